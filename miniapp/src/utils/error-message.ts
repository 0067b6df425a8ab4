import type { ErrorCode } from '@o2o/shared';
import { ClientErrorCode, isApiError } from '../api/api-error';

/** Chinese UI text per error code; anything unlisted falls back to a generic line. */
const MESSAGES: Partial<Record<ErrorCode | ClientErrorCode, string>> = {
  NETWORK_ERROR: '网络不给力，请检查网络后重试',
  BAD_RESPONSE: '服务开小差了，请稍后重试',
  UNAUTHENTICATED: '登录已失效，请重试',
  TOKEN_EXPIRED: '登录已过期，请重试',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  RETRYABLE_DB_CONFLICT: '系统繁忙，请重试',
  DEPENDENCY_UNAVAILABLE: '服务暂不可用，请稍后重试',
  INTERNAL: '服务开小差了，请稍后重试',
  WECHAT_LOGIN_CODE_INVALID: '微信登录失败，请重试',
  WECHAT_PHONE_CODE_INVALID: '手机号验证已失效，请重新获取',
  WECHAT_UPSTREAM_ERROR: '微信服务繁忙，请稍后重试',
  PHONE_ALREADY_BOUND: '该手机号已绑定其他会员',
  ALREADY_MEMBER: '您已是会员，无需重复绑定',
  VALIDATION_FAILED: '提交的信息有误，请检查后重试',
  NOT_FOUND: '内容不存在或已删除',
  ORDER_NOT_PAYABLE: '订单已关闭或已超过支付时间，请重新下单',
  ORDER_AMOUNT_INVALID: '订单实付金额需至少 ¥0.01，请调整积分抵现或商品',
  POINTS_INSUFFICIENT: '积分不足，请关闭积分抵现或调整商品',
  PRODUCT_UNAVAILABLE: '部分商品已下架或售罄，请返回菜单调整',
  PAYMENT_NOT_CONFIGURED: '门店暂未开通微信支付，请到店付款',
  IDEMPOTENCY_KEY_REQUIRED: '下单请求异常，请重试',
  IDEMPOTENCY_KEY_REUSED: '订单内容有变化，请重新提交',
  COUPON_NOT_USABLE: '这张券暂不可用',
  COUPON_THRESHOLD_NOT_MET: '未达到优惠券使用门槛',
  COUPON_EXPIRED: '优惠券不在有效期内',
  COUPON_ALREADY_REDEEMED: '优惠券已使用',
};

export function describeError(error: unknown, fallback = '出了点问题，请稍后重试'): string {
  if (isApiError(error)) return MESSAGES[error.code as ErrorCode | ClientErrorCode] ?? fallback;
  return fallback;
}

/** Checkout errors: server codes as above; a failed payment sheet (not an API error) says so. */
export function describeCheckoutError(error: unknown): { code: string; message: string } {
  if (isApiError(error)) return { code: String(error.code), message: describeError(error, '下单失败，请稍后重试') };
  return { code: 'PAY_FAILED', message: '支付未完成，请重试' };
}
