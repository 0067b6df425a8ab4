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
};

export function describeError(error: unknown, fallback = '出了点问题，请稍后重试'): string {
  if (isApiError(error)) return MESSAGES[error.code as ErrorCode | ClientErrorCode] ?? fallback;
  return fallback;
}
