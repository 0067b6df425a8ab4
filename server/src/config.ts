import crypto from 'node:crypto';
import path from 'node:path';
import { z } from '@o2o/shared';

/**
 * The one configuration module. `loadConfig` parses the environment once at boot; nothing else reads
 * `process.env`. A bad or missing variable stops the process with a message naming it.
 */

const secret = (name: string) =>
  z
    .string({ error: `${name} is required (32 random bytes, base64)` })
    .refine((v) => Buffer.from(v, 'base64').length >= 32, `${name} must be at least 32 bytes, base64-encoded`);

// A blank value (`PORT=` in an env file) means "not set", never 0.
const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const intFrom = (min: number, max: number, fallback: number) =>
  z.preprocess((v) => (blankAsUnset(v) === undefined ? undefined : Number(v)), z.number().int().min(min).max(max).default(fallback));

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: intFrom(0, 65535, 3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^((mysql|mariadb):\/\/.+|sqlite:.+)$/, 'must be mysql://user:pass@host:port/db, mariadb://… or sqlite:path/to/file.db')
    .default('sqlite:data/o2o.db'),
  DB_POOL_SIZE: intFrom(1, 200, 16),
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  WECHAT_APPID: z.string().regex(/^wx[0-9a-zA-Z]{6,32}$/, 'must look like wx…').default('wx0000000000demo00'),
  WECHAT_SECRET: z.string().min(8).optional(),
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  WECHAT_MINIAPP_ENV: z.enum(['release', 'trial', 'develop']).default('release'),
  /** The 取餐提醒 subscribe-message template id: the mini-program's TARO_APP_SUBSCRIBE_PICKUP_TMPL. Unset = no pickup reminders. */
  WECHAT_SUBSCRIBE_PICKUP_TMPL: z.preprocess(blankAsUnset, z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a subscribe-message template id').optional()),

  WECHATPAY_MCHID: z.string().regex(/^\d{6,16}$/).optional(),
  WECHATPAY_APIV3_KEY: z.string().length(32, 'must be exactly 32 characters').optional(),
  WECHATPAY_MERCHANT_KEY_FILE: z.string().optional(),
  WECHATPAY_MERCHANT_CERT_FILE: z.string().optional(),
  WECHATPAY_API_BASE: z.url().default('https://api.mch.weixin.qq.com'),
  WECHATPAY_TIMEOUT_MS: intFrom(100, 60_000, 5000),
  WECHATPAY_PLATFORM_KEYS: z
    .string()
    .regex(/^([A-Za-z0-9_]+=[^,]+)(,[A-Za-z0-9_]+=[^,]+)*$/, 'must be SERIAL=path[,SERIAL=path…]')
    .optional(),

  PII_KEY: secret('PII_KEY'),
  PII_INDEX_KEY: secret('PII_INDEX_KEY'),
  TOKEN_SECRET: secret('TOKEN_SECRET'),
  COUPON_CODE_SECRET: secret('COUPON_CODE_SECRET'),
  /** Keys the POS terminals' secrets (derived, never stored). Optional: derived from TOKEN_SECRET when unset, but set it in production so rotating session secrets does not void every till's credential. */
  POS_KEY_SECRET: z.preprocess(blankAsUnset, secret('POS_KEY_SECRET').optional()),
  /** The member code's 2-digit prefix; must not be a payment code's (WeChat Pay 10–15, Alipay 25–30, UnionPay 62). */
  MEMBER_CODE_PREFIX: z
    .string()
    .regex(/^\d{2}$/, 'must be 2 digits')
    .refine((v) => !(Number(v) >= 10 && Number(v) <= 15) && !(Number(v) >= 25 && Number(v) <= 30) && v !== '62', 'collides with a payment code prefix (10–15, 25–30, 62)')
    .default('88'),

  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be redis://…').optional(),
  EMULATOR_PORT: intFrom(0, 65535, 3100),

  // business rules
  WELCOME_POINTS: intFrom(0, 1_000_000, 1000),
  POINT_VALUE_FEN: intFrom(1, 10_000, 10),
  POINTS_PER_YUAN: intFrom(0, 1000, 1),
  POINTS_MAX_OFFSET_PERCENT: intFrom(0, 100, 50),
  ORDER_PAY_WINDOW_MINUTES: intFrom(1, 24 * 60, 15),
  RECONCILE_AFTER_MINUTES: intFrom(1, 24 * 60, 5),
  RECONCILE_INTERVAL_MS: intFrom(100, 3_600_000, 60_000),
  CLERK_PROTECTION_DAYS: intFrom(0, 3650, 30),
  SCAN_VISIT_WINDOW_MINUTES: intFrom(1, 24 * 60, 30),
  REDEMPTION_REVERSAL_WINDOW_MINUTES: intFrom(0, 30 * 24 * 60, 24 * 60),
  COUPON_CODE_FAILURES_PER_MINUTE: intFrom(1, 10_000, 10),
  SESSION_TTL_HOURS: intFrom(1, 24 * 90, 24 * 7),
  STAFF_SESSION_TTL_HOURS: intFrom(1, 24 * 30, 12),
  BODY_LIMIT_KB: intFrom(1, 10_240, 64),
  UPLOAD_LIMIT_KB: intFrom(1, 65_536, 8_192),
  OUTBOX_POLL_MS: intFrom(10, 60_000, 1000),
  // what this process runs: all (HTTP and background work), api (HTTP and the segment index only) or worker
  // (outbox handlers and jobs only, no listener) — api + worker processes keep side effects off the request thread
  PROCESS_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  SHUTDOWN_TIMEOUT_MS: intFrom(100, 120_000, 10_000),
  /** After SIGTERM: answer not-ready and keep serving this long, so the load balancer stops sending before we close. */
  SHUTDOWN_DRAIN_MS: intFrom(0, 120_000, 5_000),
  // segments: the in-memory bitmap index (off: previews use SQL) and its periodic full rebuild
  SEGMENT_INDEX: z.enum(['on', 'off']).default('on'),
  SEGMENT_INDEX_REBUILD_MINUTES: intFrom(1, 24 * 60, 60),

  // campaigns and clerk offers (queue: BullMQ when REDIS_URL is set, in-process otherwise)
  CAMPAIGN_BATCH_SIZE: intFrom(10, 5000, 500),
  CAMPAIGN_CONCURRENCY: intFrom(1, 64, 2),
  CAMPAIGN_LEASE_MS: intFrom(1000, 3_600_000, 60_000),
  CAMPAIGN_TICK_MS: intFrom(100, 600_000, 5000),
  CLERK_OFFER_CAP_COUNT: intFrom(1, 100, 1),
  CLERK_OFFER_CAP_DAYS: intFrom(1, 365, 7),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and - only').default('o2o'),

  // tags (see README: tag kinds and thresholds); days are Asia/Shanghai calendar days
  TAG_PREFERENCE_WINDOW_DAYS: intFrom(1, 3650, 90),
  TAG_PREFERENCE_TOP: intFrom(1, 20, 2),
  TAG_LIFECYCLE_NEW_DAYS: intFrom(1, 3650, 30),
  TAG_LIFECYCLE_DORMANT_DAYS: intFrom(1, 3650, 60),
  TAG_LIFECYCLE_LOST_DAYS: intFrom(2, 3650, 180),
  TAG_RFM_R_DAYS: ascending4('7,30,90,180'),
  TAG_RFM_F_ORDERS: ascending4('2,3,5,10'),
  TAG_RFM_M_FEN: ascending4('10000,50000,100000,300000'),
  TAG_RECOMPUTE_INTERVAL_MS: intFrom(1000, 86_400_000, 3_600_000),

  // printed matter (QR posters, invite sheets): the brand on the page, the CJK font (a TTC needs its PostScript
  // name), and where a printed QR's link opens (default: the H5 build served at PUBLIC_BASE_URL/h5/)
  BRAND_NAME: z.string().trim().min(1).max(32).default('小食光'),
  PDF_FONT_FILE: z.string().min(1).default('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'),
  PDF_FONT_NAME: z.string().min(1).default('WenQuanYiMicroHei'),
  QR_LINK_BASE: z.preprocess(blankAsUnset, z.url().optional()),
});

/** Four strictly ascending positive integers, comma-separated (band thresholds 2..5). */
function ascending4(fallback: string) {
  return z.preprocess(
    (v) => (blankAsUnset(v) ?? fallback) as string,
    z
      .string()
      .regex(/^\d{1,12}(,\d{1,12}){3}$/, 'must be four comma-separated integers, e.g. 7,30,90,180')
      .transform((v) => v.split(',').map(Number))
      .refine((a) => a[0]! > 0 && a.every((x, i) => i === 0 || x > a[i - 1]!), 'must be positive and strictly ascending'),
  );
}

export type RawEnv = Record<string, string | undefined>;

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  database: { kind: 'mysql'; url: string; poolSize: number } | { kind: 'sqlite'; file: string };
  publicBaseUrl: string;
  logLevel: string;
  /** `pickupTemplateId`: the 取餐提醒 template (WECHAT_SUBSCRIBE_PICKUP_TMPL); undefined = none sent. */
  wechat: { appid: string; secret: string | undefined; apiBase: string; miniappEnv: 'release' | 'trial' | 'develop'; pickupTemplateId?: string };
  wechatPay: {
    mchid?: string;
    apiV3Key?: string;
    merchantKeyFile?: string;
    merchantCertFile?: string;
    apiBase: string;
    timeoutMs: number;
    platformKeys: { serial: string; file: string }[];
  };
  secrets: { piiKey: Buffer; piiIndexKey: Buffer; tokenSecret: Buffer; couponCodeSecret: Buffer; posKeySecret: Buffer };
  memberCodePrefix: string;
  redisUrl?: string;
  emulatorPort: number;
  rules: {
    welcomePoints: number;
    pointValueFen: number;
    pointsPerYuan: number;
    pointsMaxOffsetPercent: number;
    orderPayWindowMinutes: number;
    clerkProtectionDays: number;
    scanVisitWindowMinutes: number;
    redemptionReversalWindowMinutes: number;
    couponCodeFailuresPerMinute: number;
    sessionTtlHours: number;
    staffSessionTtlHours: number;
  };
  http: { bodyLimitKb: number; uploadLimitKb: number; shutdownTimeoutMs: number; drainMs: number };
  outbox: { pollMs: number };
  /** What this process runs (PROCESS_ROLE): see main.ts. */
  role: 'all' | 'api' | 'worker';
  segment: { indexEnabled: boolean; rebuildMinutes: number };
  reconcile: { afterMinutes: number; intervalMs: number };
  campaign: { batchSize: number; concurrency: number; leaseMs: number; tickMs: number; queuePrefix: string; clerkOfferCap: { count: number; days: number } };
  tags: {
    preferenceWindowDays: number;
    preferenceTop: number;
    lifecycle: { newDays: number; dormantDays: number; lostDays: number };
    rfm: { recencyDays: number[]; frequencyOrders: number[]; monetaryFen: number[] };
    recomputeIntervalMs: number;
  };
  /** Printed matter: brand name, CJK font for pdfkit, and the link base a printed QR encodes (see poster-pdf.ts). */
  print: { brandName: string; fontFile: string; fontName: string; qrLinkBase: string };
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` (default: the process environment) into a frozen Config, or throws ConfigError naming each bad variable. */
export function loadConfig(env: RawEnv = process.env, cwd = process.cwd()): Readonly<Config> {
  const parsed = ZEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.WECHAT_SECRET) throw new ConfigError(['WECHAT_SECRET: required in production']);
  if (e.TAG_LIFECYCLE_DORMANT_DAYS >= e.TAG_LIFECYCLE_LOST_DAYS || e.TAG_LIFECYCLE_NEW_DAYS > e.TAG_LIFECYCLE_LOST_DAYS)
    throw new ConfigError(['TAG_LIFECYCLE_LOST_DAYS: must exceed TAG_LIFECYCLE_DORMANT_DAYS and be at least TAG_LIFECYCLE_NEW_DAYS']);
  const database: Config['database'] = e.DATABASE_URL.startsWith('sqlite:')
    ? { kind: 'sqlite', file: resolveSqlite(e.DATABASE_URL.slice('sqlite:'.length), cwd) }
    : { kind: 'mysql', url: e.DATABASE_URL, poolSize: e.DB_POOL_SIZE };

  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    wechat: {
      appid: e.WECHAT_APPID,
      secret: e.WECHAT_SECRET,
      apiBase: e.WECHAT_API_BASE.replace(/\/$/, ''),
      miniappEnv: e.WECHAT_MINIAPP_ENV,
      pickupTemplateId: e.WECHAT_SUBSCRIBE_PICKUP_TMPL,
    },
    wechatPay: {
      mchid: e.WECHATPAY_MCHID,
      apiV3Key: e.WECHATPAY_APIV3_KEY,
      merchantKeyFile: e.WECHATPAY_MERCHANT_KEY_FILE,
      merchantCertFile: e.WECHATPAY_MERCHANT_CERT_FILE,
      apiBase: e.WECHATPAY_API_BASE.replace(/\/$/, ''),
      timeoutMs: e.WECHATPAY_TIMEOUT_MS,
      platformKeys: (e.WECHATPAY_PLATFORM_KEYS ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const i = pair.indexOf('=');
          return { serial: pair.slice(0, i), file: pair.slice(i + 1) };
        }),
    },
    secrets: {
      piiKey: Buffer.from(e.PII_KEY, 'base64'),
      piiIndexKey: Buffer.from(e.PII_INDEX_KEY, 'base64'),
      tokenSecret: Buffer.from(e.TOKEN_SECRET, 'base64'),
      couponCodeSecret: Buffer.from(e.COUPON_CODE_SECRET, 'base64'),
      posKeySecret: e.POS_KEY_SECRET
        ? Buffer.from(e.POS_KEY_SECRET, 'base64')
        : crypto.createHmac('sha256', Buffer.from(e.TOKEN_SECRET, 'base64')).update('pos-key-secret').digest(),
    },
    memberCodePrefix: e.MEMBER_CODE_PREFIX,
    redisUrl: e.REDIS_URL,
    emulatorPort: e.EMULATOR_PORT,
    rules: {
      welcomePoints: e.WELCOME_POINTS,
      pointValueFen: e.POINT_VALUE_FEN,
      pointsPerYuan: e.POINTS_PER_YUAN,
      pointsMaxOffsetPercent: e.POINTS_MAX_OFFSET_PERCENT,
      orderPayWindowMinutes: e.ORDER_PAY_WINDOW_MINUTES,
      clerkProtectionDays: e.CLERK_PROTECTION_DAYS,
      scanVisitWindowMinutes: e.SCAN_VISIT_WINDOW_MINUTES,
      redemptionReversalWindowMinutes: e.REDEMPTION_REVERSAL_WINDOW_MINUTES,
      couponCodeFailuresPerMinute: e.COUPON_CODE_FAILURES_PER_MINUTE,
      sessionTtlHours: e.SESSION_TTL_HOURS,
      staffSessionTtlHours: e.STAFF_SESSION_TTL_HOURS,
    },
    http: { bodyLimitKb: e.BODY_LIMIT_KB, uploadLimitKb: e.UPLOAD_LIMIT_KB, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS, drainMs: e.SHUTDOWN_DRAIN_MS },
    outbox: { pollMs: e.OUTBOX_POLL_MS },
    role: e.PROCESS_ROLE,
    segment: { indexEnabled: e.SEGMENT_INDEX === 'on', rebuildMinutes: e.SEGMENT_INDEX_REBUILD_MINUTES },
    reconcile: { afterMinutes: e.RECONCILE_AFTER_MINUTES, intervalMs: e.RECONCILE_INTERVAL_MS },
    campaign: {
      batchSize: e.CAMPAIGN_BATCH_SIZE,
      concurrency: e.CAMPAIGN_CONCURRENCY,
      leaseMs: e.CAMPAIGN_LEASE_MS,
      tickMs: e.CAMPAIGN_TICK_MS,
      queuePrefix: e.QUEUE_PREFIX,
      clerkOfferCap: { count: e.CLERK_OFFER_CAP_COUNT, days: e.CLERK_OFFER_CAP_DAYS },
    },
    tags: {
      preferenceWindowDays: e.TAG_PREFERENCE_WINDOW_DAYS,
      preferenceTop: e.TAG_PREFERENCE_TOP,
      lifecycle: { newDays: e.TAG_LIFECYCLE_NEW_DAYS, dormantDays: e.TAG_LIFECYCLE_DORMANT_DAYS, lostDays: e.TAG_LIFECYCLE_LOST_DAYS },
      rfm: { recencyDays: e.TAG_RFM_R_DAYS, frequencyOrders: e.TAG_RFM_F_ORDERS, monetaryFen: e.TAG_RFM_M_FEN },
      recomputeIntervalMs: e.TAG_RECOMPUTE_INTERVAL_MS,
    },
    print: {
      brandName: e.BRAND_NAME,
      fontFile: e.PDF_FONT_FILE,
      fontName: e.PDF_FONT_NAME,
      qrLinkBase: (e.QR_LINK_BASE ?? `${e.PUBLIC_BASE_URL.replace(/\/$/, '')}/h5/`).replace(/\/?$/, '/'),
    },
  };
  return deepFreeze(config);
}

function resolveSqlite(file: string, cwd: string): string {
  return file === ':memory:' ? file : path.resolve(cwd, file);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
