/**
 * Day arithmetic of segment rules. A "day" is an Asia/Shanghai calendar day (UTC+8 all year, no DST), numbered
 * from 1970-01-01 (Shanghai). `daysSince(x, now) = shanghaiDay(now) - shanghaiDay(x)`: something at 23:59 yesterday
 * is 1 day ago, at 00:01 today 0. Both segment engines use these functions, so they agree to the millisecond.
 */
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Shanghai calendar day of an instant. */
export function shanghaiDay(at: Date | number): number {
  const t = typeof at === 'number' ? at : at.getTime();
  return Math.floor((t + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** The instant a Shanghai day begins (00:00:00.000 +08:00). */
export function shanghaiDayStart(day: number): Date {
  return new Date(day * DAY_MS - SHANGHAI_OFFSET_MS);
}

/**
 * First instant of an order window of `windowDays` days ending today: today counts as day 1, so a 7-day window
 * on a Wednesday starts at Thursday 00:00 of the week before. Orders paid at or after this instant are in it.
 */
export function windowStart(now: Date, windowDays: number): Date {
  return shanghaiDayStart(shanghaiDay(now) - windowDays + 1);
}
