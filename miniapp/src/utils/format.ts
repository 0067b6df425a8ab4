import { formatFen } from '@o2o/shared/money';

/** ¥ and two decimals from integer fen: 1990 → "¥19.90". Display only; amounts stay in fen. */
export function yuan(fen: number): string {
  return `¥${formatFen(fen)}`;
}

/** A member price in cash + points: (190, 6) → "¥1.90 + 6积分"; no points → "¥1.90". */
export function cashAndPoints(fen: number, points: number | null | undefined): string {
  return points ? `${yuan(fen)} + ${points}积分` : yuan(fen);
}

/**
 * A product's member price as the price tag reads: cash + points spent ("¥1.90 + 6积分"), or cash and points given
 * (会员价送积分: "¥29.90 送30积分"); null without a member price.
 */
export function memberPriceText(p: { memberPriceFen?: number | null; memberPoints?: number | null; memberPointsGiven?: number | null }): string | null {
  if (p.memberPriceFen === undefined || p.memberPriceFen === null) return null;
  const base = cashAndPoints(p.memberPriceFen, p.memberPoints);
  return p.memberPointsGiven ? `${base} 送${p.memberPointsGiven}积分` : base;
}

/** +1000 / -20: the sign always shown, for points movements. */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2025-05-01 14:03" in the device's time zone; the input is ISO-8601 from the server. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "2025-05-01" in the device's time zone. */
export function date(iso: string | null | undefined): string {
  return dateTime(iso).slice(0, 10);
}

/** "刚刚", "5 分钟前", "3 小时前", "2 天前", then the date. For last-visit style fields. */
export function timeAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return '';
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return '刚刚';
  if (minutes < 60) return `${minutes} 分钟前`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} 小时前`;
  const days = Math.floor(hours / 24);
  if (days < 30) return `${days} 天前`;
  return date(iso);
}

/** A store's distance: "350 m" (to 10 m), "1.2 km", "12 km"; empty when unknown. */
export function distanceText(m: number | null | undefined): string {
  if (m === null || m === undefined || !Number.isFinite(m)) return '';
  if (m < 1000) return `${Math.max(10, Math.round(m / 10) * 10)} m`;
  return m < 10_000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m / 1000)} km`;
}
