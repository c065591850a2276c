// The one place commands are invoked: every rejection becomes an AppError.
// Only backend.ts and the modules under backend/ use it.

import { invoke } from '@tauri-apps/api/core';
import { toAppError } from '../types';

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toAppError(e);
  }
}

/** `call` for a command that takes raw bytes as its body, the rest in headers. */
export async function callRaw<T>(command: string, body: Uint8Array, headers: Record<string, string>): Promise<T> {
  try {
    return await invoke<T>(command, body, { headers });
  } catch (e) {
    throw toAppError(e);
  }
}
