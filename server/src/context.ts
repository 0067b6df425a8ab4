import type { Config } from './config';
import type { Db } from './db/db';
import type { Clock } from './lib/clock';
import type { PiiCipher } from './lib/crypto';
import type { Logger } from './lib/logger';
import type { TokenService } from './lib/tokens';
import type { WechatPayApi } from './modules/payment/wechatpay/wechatpay.types';
import type { WechatApi } from './modules/wechat/wechat.types';

/** Long-lived dependencies, built once in main (or by a test) and handed to createApp. */
export interface Deps {
  config: Readonly<Config>;
  db: Db;
  clock: Clock;
  log: Logger;
  pii: PiiCipher;
  tokens: TokenService;
  wechat: WechatApi;
  /** null when WeChat Pay is not configured: ordering then answers PAYMENT_NOT_CONFIGURED. */
  pay: WechatPayApi | null;
}

/** What a use case receives: the dependencies plus the request's id and logger. */
export interface Ctx extends Deps {
  requestId: string;
}

export function backgroundCtx(deps: Deps, name: string): Ctx {
  return { ...deps, requestId: `job-${name}`, log: deps.log.child({ job: name }) };
}
