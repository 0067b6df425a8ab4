import {
  loginErrorKind,
  phoneErrorKind,
  qrCodeErrorKind,
  subscribeErrorKind,
} from '../../src/modules/wechat/wechat-errors';
import { WechatApiError } from '../../src/modules/wechat/wechat.types';

const e = (errcode: number) => new WechatApiError('x', errcode, 'msg');

describe('errcode → app decision', () => {
  it.each([
    [40029, 'invalid_code'],
    [40163, 'invalid_code'],
    [40226, 'invalid_code'],
    [45011, 'rate_limited'],
    [-1, 'upstream'],
    [-2, 'upstream'],
    [40125, 'upstream'],
  ])('login %i → %s', (code, kind) => expect(loginErrorKind(e(code))).toBe(kind));

  it.each([
    [40029, 'invalid_code'],
    [45011, 'rate_limited'],
    [40163, 'upstream'],
    [-3, 'upstream'],
  ])('phone %i → %s', (code, kind) => expect(phoneErrorKind(e(code))).toBe(kind));

  it.each([
    [43101, 'no_quota'],
    [47003, 'invalid_request'],
    [40037, 'invalid_request'],
    [45009, 'rate_limited'],
    [-1, 'upstream'],
  ])('subscribe %i → %s', (code, kind) => expect(subscribeErrorKind(e(code))).toBe(kind));

  it.each([
    [40169, 'invalid_request'],
    [40129, 'invalid_request'],
    [41030, 'invalid_request'],
    [45009, 'rate_limited'],
    [40001, 'upstream'],
  ])('qrcode %i → %s', (code, kind) => expect(qrCodeErrorKind(e(code))).toBe(kind));

  it('treats a non-WeChat error as upstream', () => {
    expect(loginErrorKind(new Error('boom'))).toBe('upstream');
  });
});
