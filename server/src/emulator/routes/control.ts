import type { EmulatorPlugin } from '../plugin';
import type { EmulatorApi } from '../state';
import { controlError, controlJsonBody } from '../wx';

const APIS: readonly EmulatorApi[] = ['jscode2session', 'stableToken', 'getPhoneNumber', 'getwxacodeunlimit', 'subscribeSend'];

/** Health check and fault injection (lets the app's error paths, e.g. 45011 or -1 busy, be exercised end to end). */
export const controlPlugin: EmulatorPlugin = {
  name: 'control',
  register(router, env) {
    router.get('/__emulator/health', (ctx) => {
      ctx.body = { ok: true };
    });

    // {api, errcode, errmsg?, count?}: the next `count` (default 1) calls of `api` answer with that error.
    router.post('/__emulator/fault', (ctx) => {
      const body = controlJsonBody(ctx);
      if (!body) return;
      const { api, errcode } = body;
      const count = body.count ?? 1;
      const errmsg = typeof body.errmsg === 'string' ? body.errmsg : 'emulated fault';
      if (typeof api !== 'string' || !APIS.includes(api as EmulatorApi)) {
        return controlError(ctx, 400, `api must be one of ${APIS.join(', ')}`);
      }
      if (typeof errcode !== 'number' || !Number.isInteger(errcode) || errcode === 0) {
        return controlError(ctx, 400, 'errcode must be a non-zero integer');
      }
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
        return controlError(ctx, 400, 'count must be a positive integer');
      }
      env.state.faults.set(api as EmulatorApi, { errcode, errmsg, remaining: count });
      ctx.body = { ok: true };
    });
  },
};
