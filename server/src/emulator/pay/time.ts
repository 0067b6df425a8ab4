/** WeChat Pay writes every time as RFC 3339 in Beijing time, e.g. 2024-05-20T13:29:36+08:00. */

const BEIJING_OFFSET_MS = 8 * 3600_000;

export function beijingTime(ms: number): string {
  return `${new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** yyyyMMdd in Beijing time, the date part WeChat embeds in prepay and transaction ids. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?([+-]\d{2}:\d{2}|Z)$/;

/** Epoch ms of an RFC 3339 date-time with an explicit offset, or undefined if it is not one. */
export function parseRfc3339(s: string): number | undefined {
  if (!RFC3339.test(s)) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}
