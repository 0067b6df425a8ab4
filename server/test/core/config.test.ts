import crypto from 'node:crypto';
import path from 'node:path';
import { ConfigError, loadConfig, type RawEnv } from '../../src/config';

const key = (bytes = 32) => crypto.randomBytes(bytes).toString('base64');
const SECRETS = ['PII_KEY', 'PII_INDEX_KEY', 'TOKEN_SECRET', 'COUPON_CODE_SECRET'] as const;

function validEnv(extra: RawEnv = {}): RawEnv {
  return { PII_KEY: key(), PII_INDEX_KEY: key(), TOKEN_SECRET: key(), COUPON_CODE_SECRET: key(), ...extra };
}

/** loadConfig must throw a ConfigError with exactly one issue, about `name`. */
function expectRejects(env: RawEnv, name: string) {
  let error: unknown;
  try {
    loadConfig(env, '/srv/app');
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const e = error as ConfigError;
  expect(e.message).toContain(name);
  expect(e.issues).toHaveLength(1);
  expect(e.issues[0].startsWith(`${name}:`)).toBe(true);
}

describe('loadConfig', () => {
  it('accepts a minimal environment and fills in the defaults', () => {
    const env = validEnv();
    const c = loadConfig(env, '/srv/app');
    expect(c.env).toBe('development');
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.database).toEqual({ kind: 'sqlite', file: path.resolve('/srv/app', 'data/o2o.db') });
    expect(c.rules).toEqual({
      welcomePoints: 1000,
      pointValueFen: 10,
      pointsPerYuan: 1,
      pointsMaxOffsetPercent: 50,
      orderPayWindowMinutes: 15,
      clerkProtectionDays: 30,
      scanVisitWindowMinutes: 30,
      sessionTtlHours: 168,
      staffSessionTtlHours: 12,
      couponCodeFailuresPerMinute: 10,
      redemptionReversalWindowMinutes: 1440,
    });
    expect(c.outbox.pollMs).toBe(1000);
    expect(c.wechat).toMatchObject({ apiBase: 'https://api.weixin.qq.com', miniappEnv: 'release', secret: undefined });
    expect(c.wechatPay.platformKeys).toEqual([]);
    expect(c.secrets.tokenSecret.equals(Buffer.from(env.TOKEN_SECRET!, 'base64'))).toBe(true);
    expect(c.secrets.piiKey).toHaveLength(32);
  });

  it.each(['PORT', 'WELCOME_POINTS', 'CLERK_PROTECTION_DAYS', 'EMULATOR_PORT'])('a blank %s means its default, never 0', (name) => {
    const { secrets: _a, ...blank } = loadConfig(validEnv({ [name]: '' }));
    const { secrets: _b, ...unset } = loadConfig(validEnv());
    expect(blank).toEqual(unset);
  });

  it('a key-file path containing = is kept whole', () => {
    const c = loadConfig(validEnv({ WECHATPAY_PLATFORM_KEYS: 'PUB_KEY_ID_0112=/keys/a=b.pem,ABC123=/k/c.pem' }));
    expect(c.wechatPay.platformKeys).toEqual([
      { serial: 'PUB_KEY_ID_0112', file: '/keys/a=b.pem' },
      { serial: 'ABC123', file: '/k/c.pem' },
    ]);
  });

  it('parses explicit values', () => {
    const c = loadConfig(
      validEnv({
        NODE_ENV: 'test',
        PORT: '8080',
        DATABASE_URL: 'mysql://u:p@db:3306/o2o',
        DB_POOL_SIZE: '32',
        PUBLIC_BASE_URL: 'https://m.example.com/',
        WECHAT_API_BASE: 'http://127.0.0.1:3100/',
        WECHATPAY_PLATFORM_KEYS: 'SERIAL_A=/keys/a.pem,SERIAL_B=/keys/b.pem',
        WELCOME_POINTS: '0',
      }),
    );
    expect(c.port).toBe(8080);
    expect(c.database).toEqual({ kind: 'mysql', url: 'mysql://u:p@db:3306/o2o', poolSize: 32 });
    expect(c.publicBaseUrl).toBe('https://m.example.com');
    expect(c.wechat.apiBase).toBe('http://127.0.0.1:3100');
    expect(c.wechatPay.platformKeys).toEqual([
      { serial: 'SERIAL_A', file: '/keys/a.pem' },
      { serial: 'SERIAL_B', file: '/keys/b.pem' },
    ]);
    expect(c.rules.welcomePoints).toBe(0);
    expect(loadConfig(validEnv({ DATABASE_URL: 'sqlite::memory:' })).database).toEqual({ kind: 'sqlite', file: ':memory:' });
    expect(loadConfig(validEnv({ DATABASE_URL: 'mariadb://u@db/o2o' })).database).toMatchObject({ kind: 'mysql', url: 'mariadb://u@db/o2o' });
  });

  it.each<[string, string | undefined]>([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['NODE_ENV', 'staging'],
    ['DATABASE_URL', 'postgres://x'],
    ['DATABASE_URL', 'mysql://'],
    ['DATABASE_URL', 'sqlite:'],
    ['DB_POOL_SIZE', '0'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['LOG_LEVEL', 'verbose'],
    ['WECHAT_APPID', 'abc'],
    ['WECHAT_SECRET', 'short'],
    ['WECHAT_MINIAPP_ENV', 'prod'],
    ['WECHATPAY_MCHID', '12ab'],
    ['WECHATPAY_APIV3_KEY', 'x'.repeat(31)],
    ['WECHATPAY_PLATFORM_KEYS', 'malformed'],
    ['WECHATPAY_PLATFORM_KEYS', 'S1='],
    ['WECHATPAY_PLATFORM_KEYS', 'S1=/a.pem,,S2=/b.pem'],
    ['WECHATPAY_PLATFORM_KEYS', 'S-1=/a.pem'],
    ['REDIS_URL', 'http://cache:6379'],
    ['WELCOME_POINTS', '-5'],
    ['POINT_VALUE_FEN', '0'],
    ['OUTBOX_POLL_MS', '5'],
    ['PII_KEY', Buffer.alloc(16, 1).toString('base64')],
    ['PII_INDEX_KEY', ''],
    ['TOKEN_SECRET', 'not-base64-at-all!!'],
    ['COUPON_CODE_SECRET', Buffer.alloc(31, 2).toString('base64')],
  ])('rejects %s=%p with a ConfigError naming it', (name, value) => {
    expectRejects(validEnv({ [name]: value }), name);
  });

  it.each(SECRETS)('rejects a missing %s, naming it', (name) => {
    const env = validEnv();
    delete env[name];
    expectRejects(env, name);
  });

  it('names every bad variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'postgres://x', PII_KEY: key(), PII_INDEX_KEY: key(), COUPON_CODE_SECRET: key() });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = error!.issues.map((i) => i.split(':')[0]).sort();
    expect(names).toEqual(['DATABASE_URL', 'PORT', 'TOKEN_SECRET']);
  });

  it('never echoes a rejected secret value in the error', () => {
    const weak = key(16);
    try {
      loadConfig(validEnv({ PII_KEY: weak }));
      throw new Error('expected ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).not.toContain(weak);
    }
  });

  it('requires WECHAT_SECRET in production', () => {
    expectRejects(validEnv({ NODE_ENV: 'production' }), 'WECHAT_SECRET');
    const c = loadConfig(validEnv({ NODE_ENV: 'production', WECHAT_SECRET: 'prod-secret-123' }));
    expect(c.env).toBe('production');
    expect(c.wechat.secret).toBe('prod-secret-123');
  });

  it('returns a deeply frozen config', () => {
    const c = loadConfig(validEnv({ WECHATPAY_PLATFORM_KEYS: 'S1=/k1.pem' }));
    for (const part of [c, c.database, c.wechat, c.wechatPay, c.wechatPay.platformKeys, c.wechatPay.platformKeys[0], c.secrets, c.rules, c.http, c.outbox]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (c.rules as { welcomePoints: number }).welcomePoints = 1;
    }).toThrow(TypeError);
    expect(() => (c.wechatPay.platformKeys as unknown as unknown[]).push({})).toThrow(TypeError);
    expect(c.port).toBe(3000);
    expect(c.rules.welcomePoints).toBe(1000);
  });

  it('does not read process.env when given an environment', () => {
    const saved = process.env.PORT;
    process.env.PORT = 'abc';
    try {
      expect(loadConfig(validEnv()).port).toBe(3000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});
