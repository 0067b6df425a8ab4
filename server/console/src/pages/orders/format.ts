import { formatFen, type OrderChannel, type OrderStatus, type RefundStatus } from '@o2o/shared';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

// main.tsx sets these up for the app; extending again is a no-op, and component tests get them too.
dayjs.extend(utc);
dayjs.extend(timezone);

export const TZ = 'Asia/Shanghai';

/** 1999 → "¥19.99". */
export const yuan = (fen: number) => `¥${formatFen(fen)}`;

/** A discount: "−¥5.00", or "—" when there is none. */
export const minusYuan = (fen: number) => (fen > 0 ? `−${yuan(fen)}` : '—');

/** A number of points: "60 积分" (never "分", which reads as fen next to money). */
export const pts = (n: number) => `${n} 积分`;

/**
 * One name per figure of an order, the mini-program checkout's words (miniapp order-summary / checkout), so the
 * list, the detail, the refund confirmation and the points ledger agree:
 *   商品原价 (listFen, sale prices) − 会员价已省 (listFen − totalFen) − 优惠券 − 积分抵现 (pointsDeductionFen) = 实付;
 *   使用积分 (ledger 下单使用) = 会员价积分 (what the member prices require) + 积分抵现 (points used as cash);
 *   奖励积分 (ledger 消费奖励) is what the order earned; a refund gives back 使用积分 (退款返还) and takes back
 *   奖励积分 (退款扣回), both in proportion to the amount refunded.
 */
export const WORDS = {
  list: '商品原价',
  memberSaving: '会员价已省',
  coupon: '优惠券',
  pointsCash: '积分抵现',
  payable: '实付',
  pointsUsed: '使用积分',
  memberPoints: '会员价积分',
  pointsEarned: '奖励积分',
  pointsGiven: '会员价送积分',
} as const;

/** An instant as the brand reads it: Asia/Shanghai, 'YYYY-MM-DD HH:mm'. */
export const shanghai = (iso: string | null | undefined) => (iso ? dayjs(iso).tz(TZ).format('YYYY-MM-DD HH:mm') : '—');

/**
 * A date-range filter (Shanghai calendar days, inclusive) → the API's `from` (inclusive) and `to` (exclusive):
 * 00:00 +08:00 of the first day and of the day after the last.
 */
export function dayRange(value: unknown): { from?: string; to?: string } {
  if (!Array.isArray(value) || value.length !== 2) return {};
  const day = (v: unknown) => (dayjs.isDayjs(v) ? (v as Dayjs).format('YYYY-MM-DD') : String(v).slice(0, 10));
  const [a, b] = value.map(day);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(a) || !/^\d{4}-\d{2}-\d{2}$/.test(b)) return {};
  return { from: dayjs.tz(a, TZ).startOf('day').format(), to: dayjs.tz(b, TZ).add(1, 'day').startOf('day').format() };
}

export const ORDER_STATUS: Record<OrderStatus, { text: string; color: string }> = {
  created: { text: '待支付', color: 'default' },
  paid: { text: '已支付', color: 'green' },
  closed: { text: '已关闭', color: 'default' },
  partially_refunded: { text: '部分退款', color: 'orange' },
  refunded: { text: '已退款', color: 'red' },
};

/** Where the sale happened: 预订单 (mini-program + WeChat Pay), 收银机 (a till through the POS API), 导购收银 (the clerk app's cashier). */
export const ORDER_CHANNEL: Record<OrderChannel, string> = { preorder: '预订单', pos: '收银机', clerk: '导购收银', import: '导入' };
export const ORDER_CHANNEL_COLOR: Record<OrderChannel, string> = { preorder: 'blue', pos: 'purple', clerk: 'cyan', import: 'default' };

/** In-store sales (paid at the till): no pickup, a receipt number instead of a pickup code. */
export const isInStore = (channel: OrderChannel) => channel === 'pos' || channel === 'clerk';

export const REFUND_STATUS: Record<RefundStatus, { text: string; color: string }> = {
  requested: { text: '已申请', color: 'blue' },
  processing: { text: '退款中', color: 'blue' },
  success: { text: '已退款', color: 'green' },
  closed: { text: '已关闭', color: 'default' },
  abnormal: { text: '异常', color: 'red' },
  failed: { text: '失败', color: 'red' },
};

/** What a new refund may still take from a list row or a detail. */
export const refundableOf = (o: { status: OrderStatus; payableFen: number; refundedFen: number; refundPendingFen: number }) =>
  o.status === 'paid' || o.status === 'partially_refunded' ? Math.max(0, o.payableFen - o.refundedFen - o.refundPendingFen) : 0;

/** ProTable `valueEnum` from a label map. */
export const valueEnumOf = <K extends string>(m: Record<K, string | { text: string; color?: string }>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'string' ? { text: v } : { text: (v as { text: string }).text }])) as Record<K, { text: string }>;

/** Who may refund: admins any order, store managers their store's (the server checks both). */
export const canRefund = (role?: string) => role === 'admin' || role === 'store_manager';
