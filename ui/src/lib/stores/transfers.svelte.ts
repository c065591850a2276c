// How fast each moving file goes: the (time, bytes done) of its recent
// transfer events, per file id, give its speed and the time left. Samples
// are plain data (not reactive); one counter tells readers that they
// changed. A file's samples go once its transfer ends.

import type { Attachment } from '../bindings/Attachment';
import type { Event } from '../bindings/Event';
import type { TransferState } from '../bindings/TransferState';
import { isFinal } from '../files';

/** The speed is taken over the samples of this long. */
export const RATE_WINDOW_MS = 5000;
/** Below this span of samples a speed would be noise: none is given. */
export const MIN_SPAN_MS = 500;
/** Files followed at once; past this the longest followed is let go. */
const MAX_FILES = 200;
/** Samples kept per file (events come a few times a second). */
const MAX_SAMPLES = 64;

type Sample = { t: number, done: number };
type Track = { state: TransferState, samples: Sample[] };

/** Bytes per second, and seconds until the end at that speed (null: stalled). */
export type Rate = { bytesPerSecond: number, secondsLeft: number | null };

export class TransfersStore {
  #tracks = new Map<string, Track>();
  /** Bumped whenever samples change: `rate` readers depend on it. */
  #version = $state(0);

  /** Notes where `file` stands at `now` (ms); a final state forgets it. */
  record(file: Attachment, now: number = Date.now()): void {
    if (isFinal(file.state)) {
      if (this.#tracks.delete(file.id)) this.#version++;
      return;
    }
    let track = this.#tracks.get(file.id);
    const last = track?.samples[track.samples.length - 1];
    // Another direction, or started over (a retry): the old samples say nothing.
    if (!track || track.state !== file.state || (last !== undefined && file.done < last.done)) {
      track = { state: file.state, samples: [] };
      this.#tracks.delete(file.id);
      this.#tracks.set(file.id, track);
      if (this.#tracks.size > MAX_FILES) {
        const oldest = this.#tracks.keys().next().value;
        if (oldest !== undefined) this.#tracks.delete(oldest);
      }
    }
    const samples = track.samples;
    if (last !== undefined && now < last.t) return;
    samples.push({ t: now, done: file.done });
    // Keep the window (and the newest sample before it, so a slow file still has a span).
    let drop = 0;
    while (drop < samples.length - 2 && samples[drop + 1]!.t <= now - RATE_WINDOW_MS) drop++;
    drop = Math.max(drop, samples.length - MAX_SAMPLES);
    if (drop > 0) samples.splice(0, drop);
    this.#version++;
  }

  handle(event: Event): void {
    if (event.type === 'transfer') this.record(event.file);
  }

  /** The speed of file `id` of `size` bytes, or null when not yet known. */
  rate(id: string, size: number): Rate | null {
    void this.#version;
    const samples = this.#tracks.get(id)?.samples;
    if (!samples || samples.length < 2) return null;
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    const span = last.t - first.t;
    if (span < MIN_SPAN_MS) return null;
    const bytesPerSecond = ((last.done - first.done) * 1000) / span;
    if (bytesPerSecond <= 0) return { bytesPerSecond: 0, secondsLeft: null };
    return { bytesPerSecond, secondsLeft: Math.max(0, size - last.done) / bytesPerSecond };
  }

  /** Whether file `id` is followed (tests and memory checks). */
  has(id: string): boolean {
    return this.#tracks.has(id);
  }

  reset(): void {
    this.#tracks.clear();
    this.#version++;
  }
}

export const transfers = new TransfersStore();
