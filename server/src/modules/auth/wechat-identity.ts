import { AppError } from '../../lib/app-error';
import type { Ctx } from '../../context';
import { WechatApiError, type WechatSession, type WechatPhoneNumber } from '../wechat/wechat.types';
import { loginErrorKind, phoneErrorKind } from '../wechat/wechat-errors';

/** code2Session with WeChat's failures mapped to our codes. Called outside any transaction (network). */
export async function exchangeLoginCode(ctx: Ctx, code: string): Promise<WechatSession> {
  try {
    return await ctx.wechat.code2Session(code);
  } catch (err) {
    if (!(err instanceof WechatApiError)) throw err;
    const kind = loginErrorKind(err);
    ctx.log.warn({ api: 'code2Session', errcode: err.errcode }, 'wechat login failed');
    if (kind === 'invalid_code') throw new AppError('WECHAT_LOGIN_CODE_INVALID');
    if (kind === 'rate_limited') throw new AppError('RATE_LIMITED');
    throw new AppError('WECHAT_UPSTREAM_ERROR');
  }
}

/** getPhoneNumber, bound to the caller's openid so a code minted for someone else is refused. */
export async function exchangePhoneCode(ctx: Ctx, code: string, openid: string): Promise<WechatPhoneNumber> {
  try {
    return await ctx.wechat.getPhoneNumber(code, openid);
  } catch (err) {
    if (!(err instanceof WechatApiError)) throw err;
    const kind = phoneErrorKind(err);
    ctx.log.warn({ api: 'getPhoneNumber', errcode: err.errcode }, 'wechat phone exchange failed');
    if (kind === 'invalid_code') throw new AppError('WECHAT_PHONE_CODE_INVALID');
    if (kind === 'rate_limited') throw new AppError('RATE_LIMITED');
    throw new AppError('WECHAT_UPSTREAM_ERROR');
  }
}
