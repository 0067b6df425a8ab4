import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { FixedClock } from '../../src/lib/clock';
import { createEmulator, createPayEmulator, sharedTestPayKeyMaterial, type EmulatorHandle } from '../../src/emulator';
import type { PayEmulatorControl, PayEmulatorOptions, PayKeyMaterial } from '../../src/emulator';
import { APPID, SECRET } from './harness';

/**
 * The Pay emulator on a loopback port, plus an independent merchant side built on wechatpay-axios-plugin
 * (TheNorthMemory's implementation, not ours): its signer for requests and its verifier for responses.
 */
export interface PayHarness {
  keys: PayKeyMaterial;
  clock: FixedClock;
  emu: EmulatorHandle;
  url: string;
  pay: PayEmulatorControl;
  /** wechatpay-axios-plugin client; verifies every 2xx response signature itself (and rejects otherwise). */
  wxpay: Wechatpay;
  /** A hand-signed request (signed with the plugin's Rsa/Formatter); never throws on non-2xx. */
  request(method: string, path: string, body?: unknown, opts?: SignOptions): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface SignOptions {
  /** Sign with this key instead of the merchant key. */
  privateKey?: string;
  /** Seconds; default the wall clock, like every merchant SDK (the emulator checks Authorization against it). */
  timestamp?: number;
  serial?: string;
  /** Send these bytes while signing `body`. */
  sendBody?: string;
  /** Send to this path (and query) while signing `path`. */
  sendPath?: string;
  headers?: Record<string, string>;
  authorization?: string | null;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

export async function startPayHarness(
  opts: Partial<PayEmulatorOptions> & { clockAt?: number } = {},
): Promise<PayHarness> {
  const keys = sharedTestPayKeyMaterial();
  const { clockAt, ...payOpts } = opts;
  // Real time by default: both SDKs check timestamps against the wall clock.
  const clock = new FixedClock(clockAt ?? Date.now());
  const payEmu = createPayEmulator({
    mchid: keys.mchid,
    apiV3Key: keys.apiV3Key,
    merchant: keys.merchant,
    platform: keys.platform,
    timeScale: 0.001,
    ...payOpts,
  });
  const emu = createEmulator({ appid: APPID, secret: SECRET, clock, plugins: [payEmu.plugin] });
  const { url } = await emu.listen(0);

  const wxpay = new Wechatpay({
    mchid: keys.mchid,
    serial: keys.merchant.serial,
    privateKey: keys.merchant.privateKeyPem,
    certs: {
      [keys.platform.publicKeyId]: keys.platform.publicKeyPem,
      [keys.platform.certificate.serial]: keys.platform.certificate.certPem,
    },
    baseURL: `${url}/`,
  });

  const request = async (method: string, path: string, body?: unknown, o: SignOptions = {}): Promise<RawResponse> => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
    const nonce = Formatter.nonce();
    const signature = Rsa.sign(
      Formatter.request(method, path, ts, nonce, text),
      Rsa.from(o.privateKey ?? keys.merchant.privateKeyPem, 'private'),
    );
    const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
    const auth = o.authorization === undefined ? Formatter.authorization(keys.mchid, nonce, signature, ts, o.serial ?? keys.merchant.serial) : o.authorization;
    if (auth !== null) headers.Authorization = auth;
    if (method !== 'GET') headers['Content-Type'] = 'application/json';
    const res = await fetch(`${url}${o.sendPath ?? path}`, { method, headers, body: method === 'GET' ? undefined : (o.sendBody ?? text) });
    const resText = await res.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = resText ? (JSON.parse(resText) as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text: resText, json };
  };

  return {
    keys,
    clock,
    emu,
    url,
    pay: payEmu.control,
    wxpay,
    request,
    async close() {
      payEmu.control.stop();
      await payEmu.control.idle();
      await emu.close();
    },
  };
}

/** Checks a response's (or notification's) Wechatpay-* signature with the plugin's verifier. */
export function verifiesWith(headers: Headers | http.IncomingHttpHeaders, body: string, publicKey: string): boolean {
  const get = (name: string) =>
    headers instanceof Headers ? (headers.get(name) ?? '') : String(headers[name.toLowerCase()] ?? '');
  return Rsa.verify(
    Formatter.response(get('Wechatpay-Timestamp'), get('Wechatpay-Nonce'), body),
    get('Wechatpay-Signature'),
    Rsa.from(publicKey, 'public'),
  );
}

export function jsapiBody(keys: PayKeyMaterial, outTradeNo: string, notifyUrl: string, extra: Record<string, unknown> = {}) {
  return {
    appid: APPID,
    mchid: keys.mchid,
    description: '春季徒步活动-报名费',
    out_trade_no: outTradeNo,
    attach: 'campaign=42',
    notify_url: notifyUrl,
    amount: { total: 9900, currency: 'CNY' },
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    ...extra,
  };
}

let seq = 0;
/** A fresh out_trade_no / out_refund_no per call. */
export function uniqueNo(prefix = 'ORD'): string {
  seq += 1;
  return `${prefix}${Date.now()}${String(seq).padStart(4, '0')}`;
}

export interface ReceivedNotification {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Real ms since the receiver started. */
  at: number;
}

export type Answer = number | { status: number; delayMs?: number };

/**
 * A tiny merchant: records every POST and answers with `answer(request, index)` (default 204).
 * Stands in for the real notify handler.
 */
export async function startReceiver(answer: (req: ReceivedNotification, index: number) => Answer = () => 204) {
  const received: ReceivedNotification[] = [];
  const started = Date.now();
  let policy = answer;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const item = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() - started };
      received.push(item);
      const a = policy(item, received.length - 1);
      const { status, delayMs = 0 } = typeof a === 'number' ? { status: a } : a;
      const reply = () => {
        if (res.destroyed) return;
        if (status === 200 || status === 204) res.writeHead(status).end();
        else res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 'FAIL', message: '失败' }));
      };
      if (delayMs) setTimeout(reply, delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/wxpay/notify`,
    received,
    setAnswer(fn: (req: ReceivedNotification, index: number) => Answer) {
      policy = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
