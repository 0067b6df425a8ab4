import type { ErrorCode } from '@o2o/shared';
import { ERROR_MESSAGES_ZH } from '@o2o/shared/errors-zh';
import { ClientErrorCode, isApiError } from '../../api/api-error';

/** The server's reasons in the words a clerk needs at the counter; anything else falls back to the shared Chinese text. */
const REASONS: Partial<Record<string, string>> = {
  MEMBER_CODE_INVALID: '会员码无效：请核对数字，或让顾客刷新会员码后重新扫码',
  MEMBER_CODE_EXPIRED: '会员码已过期，请让顾客刷新会员码后重新扫码',
  MEMBER_CODE_USED: '这个会员码已用于一笔消费，请让顾客刷新后重新扫码',
  MEMBER_CODE_FOREIGN: '这不是本品牌的会员码，请让顾客打开小程序「会员码」',
  PAYMENT_CODE_PRESENTED: '这是付款码，请让顾客出示会员码',
  MEMBER_NOT_FOUND: '没有找到这个手机号的会员，请核对号码',
  POINTS_INSUFFICIENT: '顾客积分不足，请关闭积分抵现或调整商品',
  POINTS_OFFSET_TOO_LARGE: '积分抵现超出上限，请关闭积分抵现',
  ORDER_AMOUNT_INVALID: '实付至少需 ¥0.01，请关闭积分抵现或调整商品',
  PRODUCT_UNAVAILABLE: '有商品已下架或不在本店销售，请刷新商品后重选',
  COUPON_THRESHOLD_NOT_MET: '未达到这张券的使用门槛，请换一张券或不用券',
  COUPON_NOT_USABLE: '这张券当前不可用，请换一张券',
  COUPON_EXPIRED: '这张券已过期，请换一张券',
  COUPON_ALREADY_REDEEMED: '这张券已经用过了，请换一张券',
  IDEMPOTENCY_KEY_REUSED: '小票号已用于另一笔消费，请重新确认',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  [ClientErrorCode.NETWORK_ERROR]: '网络异常，请检查网络后重试',
};

/** A code the customer must replace: the clerk scans again, the basket stays. */
const SCAN_AGAIN = new Set(['MEMBER_CODE_INVALID', 'MEMBER_CODE_EXPIRED', 'MEMBER_CODE_USED']);

export interface SaleError {
  code: string;
  message: string;
  /** The member code no longer works: identify again (the basket is kept). */
  scanAgain: boolean;
  /** No answer: the sale may or may not be recorded; only a retry with the same receipt number can tell. */
  unknownOutcome: boolean;
}

export function describeSaleError(err: unknown, fallback = '操作失败，请重试'): SaleError {
  if (!isApiError(err)) return { code: 'UNKNOWN', message: fallback, scanAgain: false, unknownOutcome: false };
  const code = String(err.code);
  const message = REASONS[code] ?? ERROR_MESSAGES_ZH[code as ErrorCode] ?? fallback;
  return { code, message, scanAgain: SCAN_AGAIN.has(code), unknownOutcome: code === ClientErrorCode.NETWORK_ERROR || err.status >= 500 };
}
