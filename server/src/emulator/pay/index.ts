import type { EmulatorPlugin } from '../plugin';
import { registerCertificateRoutes } from './certificates';
import { resolvePayConfig, type PayEmulatorOptions } from './config';
import { createPayControl, registerPayControlRoutes, type PayEmulatorControl } from './control';
import { Notifier } from './notifier';
import { registerRefundRoutes } from './refunds';
import type { PayRuntime } from './runtime';
import { createPayState } from './state';
import { Tasks } from './tasks';
import { registerTransactionRoutes } from './transactions';
import { PayApiError, v3 } from './v3';

export { WECHAT_RETRY_SCHEDULE_MS, type PayEmulatorOptions } from './config';
export { PayControlError, type PayEmulatorControl, type PayOrderView, type PayResult } from './control';
export {
  generatePayKeyMaterial,
  loadPayKeyMaterial,
  PAY_KEY_FILES,
  sharedTestPayKeyMaterial,
  writePayKeyFiles,
  type PayKeyMaterial,
} from './dev-keys';
export type {
  DeliveryAttempt,
  PayFaults,
  PayNotification,
  PayOrder,
  PayRefund,
  PaySignMode,
  PayState,
  RefundOutcome,
  RefundStatus,
  TradeState,
} from './state';

/**
 * A local stand-in for api.mch.weixin.qq.com (WeChat Pay APIv3, direct merchant, JSAPI), as an emulator
 * plugin: `createEmulator({ ..., plugins: [pay.plugin] })`. Development and tests only.
 * Call `control.stop()` when done: notification retries run on real (scaled) timers.
 */
export function createPayEmulator(opts: PayEmulatorOptions): { plugin: EmulatorPlugin; control: PayEmulatorControl } {
  const config = resolvePayConfig(opts);
  const state = createPayState();
  const tasks = new Tasks();
  let random: () => number = Math.random;
  let runtime: PayRuntime | undefined;

  const control = createPayControl({
    state,
    tasks,
    runtime: () => {
      if (!runtime) throw new Error('pay emulator: register the plugin with an emulator first');
      return runtime;
    },
    notifier: () => runtime?.notifier,
    setRandom: (r) => {
      random = r;
    },
  });

  const plugin: EmulatorPlugin = {
    name: 'wechat-pay',
    register(router, env) {
      if (runtime) throw new Error('pay emulator: a plugin instance serves one emulator');
      const notifier = new Notifier({ config, state, tasks, now: () => env.now(), random: () => random() });
      runtime = { config, env, state, tasks, notifier, random: () => random() };
      registerTransactionRoutes(router, runtime);
      registerRefundRoutes(router, runtime);
      registerCertificateRoutes(router, runtime);
      // Last: any other /v3 path still gets a signed WeChat-style error rather than Koa's plain 404.
      router.all(
        '/v3/{*rest}',
        v3(runtime, () => {
          throw new PayApiError(404, 'NOT_FOUND', '请求的资源不存在，请检查请求地址与方法');
        }),
      );
      registerPayControlRoutes(router, control);
    },
  };

  return { plugin, control };
}
