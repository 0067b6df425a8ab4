import { isApiError } from '../../api/api-error';
import { describeClerkError } from '../utils/clerk-error';
import type { RedeemError } from './redeem-flow';

/**
 * The server's reasons in the words a clerk needs at the till. A code of another store is answered exactly like a
 * forged one (`COUPON_CODE_INVALID`, no existence oracle), so the text covers both.
 */
const REASONS: Record<string, string> = {
  COUPON_CODE_INVALID: '券码无效：请核对数字，或该券不适用于本店',
  COUPON_CODE_EXPIRED: '券码已过期，请顾客刷新券码后重新扫码',
  COUPON_CODE_REPLAYED: '该券码已被使用，请顾客刷新券码',
  COUPON_ALREADY_REDEEMED: '这张券已经核销过了',
  COUPON_EXPIRED: '这张券已过期',
  COUPON_NOT_USABLE: '这张券当前不可用（可能已作废或被线上订单占用）',
  COUPON_THRESHOLD_NOT_MET: '消费金额未达到使用门槛',
  COUPON_CODE_ATTEMPTS_EXCEEDED: '错误券码尝试过多，请 1 分钟后再试',
  RATE_LIMITED: '操作太频繁，请 1 分钟后再试',
  REDEMPTION_NOT_REVERSIBLE: '已超过可撤销时间或已撤销',
};

export function reasonText(code: string | undefined): string {
  return (code && REASONS[code]) || '这张券暂不可用';
}

export function describeRedeemError(err: unknown): RedeemError {
  if (isApiError(err)) {
    const code = String(err.code);
    return { code, message: REASONS[code] ?? describeClerkError(err, '核销失败，请重试'), rateLimited: err.status === 429 };
  }
  return { code: 'UNKNOWN', message: '核销失败，请重试' };
}
