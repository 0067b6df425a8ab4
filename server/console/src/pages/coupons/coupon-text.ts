import { formatFen, type CouponTemplateStatus, type CouponTerms } from '@o2o/shared';
import dayjs from 'dayjs';
import '../orders/format'; // dayjs utc + timezone

/**
 * The coupon's words as the consumer reads them in the wallet — the same rules as the mini-program's
 * miniapp/src/coupon/coupon-text.ts (a face "¥20" / "8.5折" / "赠品", a rule "满100元可用 · 最多减10元", a validity
 * line), so the console's preview shows the card the customer will see.
 */

export type CardTerms = Pick<CouponTerms, 'kind' | 'thresholdFen'> & { amountOffFen?: number | null; percentOff?: number | null; maxDiscountFen?: number | null };

/** 2000 → "20", 1050 → "10.5", 1999 → "19.99" (no trailing zeros on a coupon face). */
export function shortYuan(fen: number): string {
  return formatFen(fen).replace(/\.00$/, '').replace(/(\.\d)0$/, '$1');
}

/** The big figure on a coupon: "¥20", "8.5折", "赠品". */
export function couponFace(c: CardTerms): { value: string; unit: string } {
  if (c.kind === 'percent_off' && c.percentOff) {
    const tenths = 100 - c.percentOff; // 15 % off = 8.5 折
    return { value: tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1), unit: '折' };
  }
  if (c.kind === 'gift') return { value: '赠', unit: '品' };
  return { value: shortYuan(c.amountOffFen ?? 0), unit: '元' };
}

/** The condition line: "满100元可用", "无门槛", "最多减10元". */
export function couponRule(c: CardTerms): string {
  const parts: string[] = [];
  parts.push(c.thresholdFen > 0 ? `满${shortYuan(c.thresholdFen)}元可用` : '无门槛');
  if (c.kind === 'percent_off' && c.maxDiscountFen) parts.push(`最多减${shortYuan(c.maxDiscountFen)}元`);
  return parts.join(' · ');
}

/** "2026.05.20 - 2026.05.26" in Asia/Shanghai, or "领取后7天内有效". */
export function validityLine(v: { validFrom?: string | null; validTo?: string | null; validDays?: number | null }): string {
  if (v.validFrom && v.validTo) return `${dayjs(v.validFrom).tz('Asia/Shanghai').format('YYYY.MM.DD')} - ${dayjs(v.validTo).tz('Asia/Shanghai').format('YYYY.MM.DD')}`;
  return v.validDays ? `领取后${v.validDays}天内有效` : '';
}

export const KIND_LABEL: Record<CouponTerms['kind'], string> = { amount_off: '满减', voucher: '代金', percent_off: '折扣', gift: '兑换' };

export const TEMPLATE_STATUS: Record<CouponTemplateStatus, { text: string; color: string }> = {
  draft: { text: '草稿', color: 'default' },
  active: { text: '发放中', color: 'green' },
  paused: { text: '已暂停', color: 'orange' },
  ended: { text: '已结束', color: 'default' },
};

/** The terms in one line for the list: "满100减20", "无门槛减5元", "8.5折 最多减30元", "兑换 SKU001". */
export function termsText(t: CardTerms & { giftSku?: string | null }): string {
  const threshold = t.thresholdFen > 0 ? `满${shortYuan(t.thresholdFen)}` : '无门槛';
  switch (t.kind) {
    case 'amount_off':
      return `${threshold}减${shortYuan(t.amountOffFen ?? 0)}`;
    case 'voucher':
      return `无门槛减${shortYuan(t.amountOffFen ?? 0)}元`;
    case 'percent_off': {
      const f = couponFace(t);
      return `${t.thresholdFen > 0 ? threshold + ' ' : ''}${f.value}折${t.maxDiscountFen ? ` 最多减${shortYuan(t.maxDiscountFen)}元` : ''}`;
    }
    case 'gift':
      return `${t.thresholdFen > 0 ? threshold + ' ' : ''}兑换 ${t.giftSku ?? ''}`.trim();
  }
}
