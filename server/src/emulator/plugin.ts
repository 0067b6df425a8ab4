import type { Router } from '@koa/router';
import type { Clock } from '../lib/clock';
import type { EmulatorState } from './state';

/** What every route module gets: configuration, time and the shared state. */
export interface EmulatorEnv {
  appid: string;
  secret: string;
  clock: Clock;
  codeTtlMs: number;
  tokenTtlSeconds: number;
  state: EmulatorState;
  /** clock.now() in epoch ms; every expiry in the emulator is decided against this. */
  now(): number;
}

/**
 * The extension point. Each group of WeChat endpoints (login, token, phone, ...) is a plugin; WeChat Pay
 * (`/v3/pay/...`, `/__emulator/pay`) will be one more, passed through `createEmulator({ plugins })`.
 * A plugin keeps any extra state of its own in its closure. Request bodies arrive parsed as JSON in
 * `ctx.request.body`, and the exact bytes in `ctx.request.rawBody` (needed to verify WeChat Pay signatures).
 * Paths under `/__emulator/` automatically get permissive CORS.
 */
export interface EmulatorPlugin {
  name: string;
  register(router: Router, env: EmulatorEnv): void;
}
