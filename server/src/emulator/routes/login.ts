import { randomBytes } from 'node:crypto';
import type { EmulatorPlugin } from '../plugin';
import { sweepExpired } from '../state';
import { controlError, controlJsonBody, countAndMaybeFail, queryString, randomId, wxError } from '../wx';

const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

/** wx.login + auth.code2Session. */
export const loginPlugin: EmulatorPlugin = {
  name: 'login',
  register(router, env) {
    const { state } = env;

    // Stands in for wx.login(): the mini-program (or a test) asks for a code for a chosen identity.
    router.post('/__emulator/login-code', (ctx) => {
      const body = controlJsonBody(ctx);
      if (!body) return;
      const { openid, unionid } = body;
      if (typeof openid !== 'string' || !OPENID.test(openid)) {
        return controlError(ctx, 400, 'openid must match /^[A-Za-z0-9_-]{6,64}$/');
      }
      if (unionid !== undefined && (typeof unionid !== 'string' || !OPENID.test(unionid))) {
        return controlError(ctx, 400, 'unionid must match /^[A-Za-z0-9_-]{6,64}$/');
      }
      sweepExpired(state.loginCodes, env.now());
      const code = randomId(24); // 32 chars, like a real js_code
      state.loginCodes.set(code, { openid, unionid, expiresAt: env.now() + env.codeTtlMs, used: false });
      ctx.body = { code };
    });

    router.get('/sns/jscode2session', (ctx) => {
      if (countAndMaybeFail(ctx, env, 'jscode2session')) return;
      if (queryString(ctx, 'appid') !== env.appid) return wxError(ctx, 40013, 'invalid appid');
      if (queryString(ctx, 'secret') !== env.secret) return wxError(ctx, 40125, 'invalid appsecret');
      if (queryString(ctx, 'grant_type') !== 'authorization_code') return wxError(ctx, 40002, 'invalid grant_type');
      const jsCode = queryString(ctx, 'js_code');
      if (!jsCode) return wxError(ctx, 41008, 'missing code');

      const record = state.loginCodes.get(jsCode);
      // Used wins over expired: a replay inside the TTL is reported as such; after the TTL the code is just gone.
      if (record?.used) return wxError(ctx, 40163, 'code been used');
      if (!record || record.expiresAt <= env.now()) return wxError(ctx, 40029, 'invalid code');
      record.used = true;

      // Every login rotates the session_key, as on WeChat.
      const sessionKey = randomBytes(16).toString('base64');
      state.sessions.set(record.openid, { sessionKey, unionid: record.unionid });
      ctx.body = {
        openid: record.openid,
        session_key: sessionKey,
        ...(record.unionid ? { unionid: record.unionid } : {}),
      };
    });
  },
};
