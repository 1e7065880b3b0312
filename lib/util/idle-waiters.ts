/** Callers waiting for a count to reach zero: `wait` while it is above, `wake` when it gets there. */
export class IdleWaiters {
  #waiters: (() => void)[] = [];

  /** Resolves at the next {@link wake}. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Resolves every wait so far (those that come later wait for the next wake). */
  wake(): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
