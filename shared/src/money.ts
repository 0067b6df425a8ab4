/**
 * Money is integer fen everywhere; points are integers. Floats never touch an amount.
 */
export type Fen = number;

export function assertFen(value: number, name = 'amount'): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer number of fen`);
  return value;
}

/** 1999 → "19.99", -5 → "-0.05". Display only. */
export function formatFen(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${yuan}.${cents}`;
}

/** "19.99" → 1999. Strict: at most two decimals, no exponent. */
export function parseYuan(text: string): Fen {
  const m = /^(-)?(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a yuan amount: ${text}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/** Cash value of points at `pointValueFen` fen per point (default 10 = 0.1 yuan). */
export function pointsToFen(points: number, pointValueFen = 10): Fen {
  assertFen(points, 'points');
  return points * pointValueFen;
}
