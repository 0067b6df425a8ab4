import { createEmulator, type EmulatorHandle, type EmulatorLogger, type EmulatorOptions } from './emulator';

export { BUILTIN_PLUGINS, createEmulator } from './emulator';
export type { EmulatorHandle, EmulatorLogger, EmulatorOptions } from './emulator';
export type { EmulatorEnv, EmulatorPlugin } from './plugin';
export type { EmulatorApi, EmulatorState } from './state';
export { qrContent } from './routes/qrcode';
export {
  createPayEmulator,
  generatePayKeyMaterial,
  loadPayKeyMaterial,
  PayControlError,
  sharedTestPayKeyMaterial,
  WECHAT_RETRY_SCHEDULE_MS,
  writePayKeyFiles,
} from './pay';
export type {
  DeliveryAttempt,
  PayEmulatorControl,
  PayEmulatorOptions,
  PayFaults,
  PayKeyMaterial,
  PayNotification,
  PayOrderView,
  PayResult,
  PaySignMode,
} from './pay';

export interface StartEmulatorOptions extends Omit<EmulatorOptions, 'logger'> {
  port: number;
  /** Default 127.0.0.1: the emulator hands out anyone's identity, so it must not face a network. */
  host?: string;
  logger?: EmulatorLogger;
}

/** Creates the emulator and listens; resolves once it accepts connections. */
export async function startEmulator(
  opts: StartEmulatorOptions,
): Promise<EmulatorHandle & { port: number; url: string }> {
  const { port, host, ...rest } = opts;
  const emulator = createEmulator(rest);
  const bound = await emulator.listen(port, host);
  opts.logger?.info({ url: bound.url }, 'wechat emulator listening');
  return { ...emulator, ...bound };
}
