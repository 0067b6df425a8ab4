/** Time source. Use cases read `clock.now()`, so tests can pin schedule boundaries to the millisecond. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A settable clock for tests. */
export class FixedClock implements Clock {
  constructor(private t: number) {}
  now() {
    return new Date(this.t);
  }
  set(t: Date | number) {
    this.t = typeof t === 'number' ? t : t.getTime();
  }
  advance(ms: number) {
    this.t += ms;
  }
}
