/**
 * Every timer and in-flight delivery the Pay emulator starts, so tests can wait for quiet (`idle()`)
 * and shut everything down without leaking handles (`stop()`).
 */
export class Tasks {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private busy = 0;
  private waiters: Array<() => void> = [];
  private stopped = false;

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Runs `fn` after `ms` real milliseconds; counts as pending until it has finished. */
  later(ms: number, fn: () => Promise<void> | void): void {
    if (this.stopped) return;
    this.busy += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      // Callers handle their own errors; this only keeps a bug from becoming an unhandled rejection.
      this.finish(fn).catch(() => undefined);
    }, Math.max(0, ms));
    // A pending retry (up to 6 h away) must not keep a dev process alive once its server has closed.
    timer.unref();
    this.timers.add(timer);
  }

  /** Runs `fn` now, counted as pending until it settles. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.busy += 1;
    return this.finish(fn);
  }

  /** An AbortController that stop() aborts; release it when the request is over. */
  controller(): { signal: AbortSignal; abort(reason: Error): void; release(): void } {
    const ac = new AbortController();
    if (this.stopped) ac.abort(new Error('pay emulator stopped'));
    this.controllers.add(ac);
    return { signal: ac.signal, abort: (reason) => ac.abort(reason), release: () => this.controllers.delete(ac) };
  }

  /** Resolves once no timer is scheduled and nothing is in flight. */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Cancels every timer, aborts every delivery and refuses new work. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.busy -= this.timers.size;
    this.timers.clear();
    for (const ac of this.controllers) ac.abort(new Error('pay emulator stopped'));
    this.settle();
  }

  private async finish<T>(fn: () => Promise<T> | T): Promise<T> {
    try {
      return await fn();
    } finally {
      this.busy -= 1;
      this.settle();
    }
  }

  private settle(): void {
    if (this.busy > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** mulberry32: a tiny seeded PRNG, so drop and shuffle faults can be reproduced. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
