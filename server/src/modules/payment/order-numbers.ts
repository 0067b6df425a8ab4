import crypto from 'node:crypto';

const ALNUM = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // no I/O: read aloud at the till without confusion

function randomChars(n: number): string {
  const bytes = crypto.randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[bytes[i] % 32];
  return s;
}

/** yyyymmdd in Asia/Shanghai: support staff search orders by day. */
function shanghaiDay(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Our order number at WeChat Pay: date + 16 random characters (80 bits), 6–32 chars of [0-9A-Z]. */
export const newOutTradeNo = (now: Date) => `${shanghaiDay(now)}${randomChars(16)}`;

/** Refund number: fixed when the refund is recorded, reused for every retry of the request. */
export const newOutRefundNo = (now: Date) => `R${shanghaiDay(now)}${randomChars(15)}`;

/** Six digits the customer shows at pickup. */
export const newPickupCode = () => String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
