// Focus hand-offs between components that do not know each other.

export class FocusRequests {
  /** Bumped to ask the composer of the open conversation to take the focus. */
  composer = $state(0);

  focusComposer(): void {
    this.composer++;
  }
}

export const focusRequests = new FocusRequests();
