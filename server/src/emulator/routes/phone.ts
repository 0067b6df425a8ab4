import { randomBytes } from 'node:crypto';
import type { EmulatorPlugin } from '../plugin';
import { sweepExpired } from '../state';
import {
  controlError,
  controlJsonBody,
  countAndMaybeFail,
  requireAccessToken,
  wxError,
  wxJsonBody,
} from '../wx';

const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

/** The getPhoneNumber button + phonenumber.getPhoneNumber. */
export const phonePlugin: EmulatorPlugin = {
  name: 'phone',
  register(router, env) {
    const { state } = env;

    // Stands in for the button's e.detail.code. countryCode defaults to 86 (mainland numbers).
    router.post('/__emulator/phone-code', (ctx) => {
      const body = controlJsonBody(ctx);
      if (!body) return;
      const { phoneNumber, openid } = body;
      const countryCode = body.countryCode === undefined ? '86' : String(body.countryCode);
      if (typeof phoneNumber !== 'string' || !/^\d{5,20}$/.test(phoneNumber)) {
        return controlError(ctx, 400, 'phoneNumber must be 5-20 digits, without country code');
      }
      if (!/^\d{1,4}$/.test(countryCode)) return controlError(ctx, 400, 'countryCode must be 1-4 digits');
      if (openid !== undefined && (typeof openid !== 'string' || !OPENID.test(openid))) {
        return controlError(ctx, 400, 'openid must match /^[A-Za-z0-9_-]{6,64}$/');
      }
      sweepExpired(state.phoneCodes, env.now());
      const code = randomBytes(32).toString('hex'); // 64 hex chars, like WeChat's
      state.phoneCodes.set(code, {
        // WeChat prefixes the country code only for non-mainland numbers.
        phoneNumber: countryCode === '86' ? phoneNumber : `+${countryCode}${phoneNumber}`,
        purePhoneNumber: phoneNumber,
        countryCode,
        openid,
        expiresAt: env.now() + env.codeTtlMs,
        used: false,
      });
      ctx.body = { code };
    });

    router.post('/wxa/business/getuserphonenumber', (ctx) => {
      if (countAndMaybeFail(ctx, env, 'getPhoneNumber')) return;
      if (!requireAccessToken(ctx, env)) return;
      const body = wxJsonBody(ctx);
      if (!body) return;
      const record = typeof body.code === 'string' ? state.phoneCodes.get(body.code) : undefined;
      // WeChat reports invalid, expired, used and wrong-user codes all as 40029.
      if (!record || record.used || record.expiresAt <= env.now()) return wxError(ctx, 40029, 'invalid code');
      if (typeof body.openid === 'string' && record.openid && body.openid !== record.openid) {
        return wxError(ctx, 40029, 'invalid code');
      }
      record.used = true;
      const cc = Number(record.countryCode);
      ctx.body = {
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: record.phoneNumber,
          purePhoneNumber: record.purePhoneNumber,
          countryCode: cc, // a number, as in WeChat's own example, so clients must normalise
          watermark: { timestamp: Math.floor(env.now() / 1000), appid: env.appid },
        },
      };
    });
  },
};
