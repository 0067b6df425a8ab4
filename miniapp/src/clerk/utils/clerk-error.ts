import type { ErrorCode } from '@o2o/shared';
import { isApiError } from '../../api/api-error';
import { describeError } from '../../utils/error-message';

/** Clerk-only messages, on top of the app's general ones. */
const MESSAGES: Partial<Record<ErrorCode, string>> = {
  INVITE_CODE_INVALID: '邀请码无效或已被使用，请向店长确认',
  STAFF_NOT_BOUND: '当前微信尚未绑定导购账号',
  STAFF_INACTIVE: '该导购账号已停用',
  STAFF_ALREADY_BOUND: '该导购账号已绑定其他微信',
  WECHAT_ALREADY_BOUND_TO_STAFF: '当前微信已绑定其他导购账号',
  FORBIDDEN_ROLE: '当前账号没有导购权限',
  NOT_FOUND: '未找到该顾客，或不在您的服务范围内',
};

export function describeClerkError(error: unknown, fallback?: string): string {
  if (isApiError(error)) {
    const own = MESSAGES[error.code as ErrorCode];
    if (own) return own;
  }
  return describeError(error, fallback);
}

export function roleName(role: string): string {
  return role === 'store_manager' ? '店长' : role === 'clerk' ? '导购' : role;
}
