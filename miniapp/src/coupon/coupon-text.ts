import type { CouponView } from '@o2o/shared';
import { formatFen } from '@o2o/shared/money';

/** 2000 → "20", 1050 → "10.5", 1999 → "19.99" (no trailing zeros on a coupon face). */
export function shortYuan(fen: number): string {
  return formatFen(fen).replace(/\.00$/, '').replace(/(\.\d)0$/, '$1');
}

/** The terms as the wallet (optional fields) and the claim centre (nullable fields) both carry them. */
export interface CouponTerms {
  kind: CouponView['kind'];
  thresholdFen: number;
  amountOffFen?: number | null;
  percentOff?: number | null;
  maxDiscountFen?: number | null;
}

/** The big figure on a coupon: "¥20", "8.5折", "赠品". */
export function couponFace(c: CouponTerms): { value: string; unit: string } {
  if (c.kind === 'percent_off' && c.percentOff) {
    const tenths = 100 - c.percentOff; // 15 % off = 8.5 折
    return { value: tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1), unit: '折' };
  }
  if (c.kind === 'gift') return { value: '赠', unit: '品' };
  return { value: shortYuan(c.amountOffFen ?? 0), unit: '元' };
}

/** The condition line: "满100元可用", "无门槛", "最多减10元". */
export function couponRule(c: CouponTerms): string {
  const parts: string[] = [];
  parts.push(c.thresholdFen > 0 ? `满${shortYuan(c.thresholdFen)}元可用` : '无门槛');
  if (c.kind === 'percent_off' && c.maxDiscountFen) parts.push(`最多减${shortYuan(c.maxDiscountFen)}元`);
  return parts.join(' · ');
}

/** "2026.05.20 - 2026.05.26" in Asia/Shanghai (the validity is stored as UTC instants). */
export function validityText(validFrom: string, validTo: string): string {
  return `${shanghaiDate(validFrom)} - ${shanghaiDate(validTo)}`;
}

export function shanghaiDate(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}.${p(d.getUTCMonth() + 1)}.${p(d.getUTCDate())}`;
}

/** The 12 digits in groups of four, as people read them out: "1234 5678 9012". */
export function groupDigits(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export const STATUS_TEXT: Record<string, string> = { issued: '可使用', locked: '订单占用中', redeemed: '已使用', expired: '已过期', revoked: '已作废' };
