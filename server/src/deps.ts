import type { Config } from './config';
import type { Deps } from './context';
import { createDataSource } from './db/data-source';
import { Db } from './db/db';
import { systemClock, type Clock } from './lib/clock';
import { PiiCipher } from './lib/crypto';
import { createLogger, type Logger } from './lib/logger';
import { TokenService } from './lib/tokens';
import { loadPayKeys } from './modules/payment/wechatpay/keys';
import { createWechatPayClient } from './modules/payment/wechatpay/wechatpay-client';
import type { WechatPayApi } from './modules/payment/wechatpay/wechatpay.types';
import { createWechatApi } from './modules/wechat/wechat-http';
import type { WechatApi } from './modules/wechat/wechat.types';

export interface BuildDepsOptions {
  log?: Logger;
  clock?: Clock;
  wechat?: WechatApi;
  pay?: WechatPayApi | null;
}

/** Opens the database (not migrating) and wires the long-lived dependencies. */
export async function buildDeps(config: Readonly<Config>, opts: BuildDepsOptions = {}): Promise<Deps> {
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  // Key files are read before the database opens: a broken WeChat Pay setup stops the boot with its variable named.
  const payKeys = opts.pay === undefined ? loadPayKeys(config) : null;
  const dataSource = await createDataSource(config.database);
  await dataSource.initialize();
  return {
    config,
    db: new Db(dataSource),
    clock,
    log,
    pii: new PiiCipher(config.secrets.piiKey, config.secrets.piiIndexKey),
    tokens: new TokenService(config.secrets.tokenSecret),
    wechat:
      opts.wechat ??
      createWechatApi({
        appid: config.wechat.appid,
        secret: config.wechat.secret ?? '',
        apiBase: config.wechat.apiBase,
        clock,
        logger: { warn: (obj, msg) => log.warn(obj, msg) },
      }),
    pay:
      opts.pay !== undefined
        ? opts.pay
        : payKeys && createWechatPayClient({ keys: payKeys, apiBase: config.wechatPay.apiBase, timeoutMs: config.wechatPay.timeoutMs, now: () => clock.now() }),
  };
}
