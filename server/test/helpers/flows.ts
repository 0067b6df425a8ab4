import type { Harness } from './harness';

/** Client-side steps of the journeys, through the real HTTP API and the emulator (as the mini-program does). */

let openidSeq = 0;
export const newOpenid = () => `o_test_${process.pid}_${Date.now().toString(36)}_${++openidSeq}`;

export async function loginCode(h: Harness, openid: string): Promise<string> {
  const res = await fetch(`${h.emulator.url}/__emulator/login-code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid }) });
  if (res.status !== 200) throw new Error(`login-code ${res.status}`);
  return ((await res.json()) as { code: string }).code;
}

export async function phoneCode(h: Harness, phoneNumber: string, openid?: string): Promise<string> {
  const res = await fetch(`${h.emulator.url}/__emulator/phone-code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumber, ...(openid ? { openid } : {}) }) });
  if (res.status !== 200) throw new Error(`phone-code ${res.status}`);
  return ((await res.json()) as { code: string }).code;
}

/** Scan (or plain open when scene is undefined) → session. Returns the raw supertest response. */
export async function openApp(h: Harness, openid: string, scene?: string) {
  const code = await loginCode(h, openid);
  return h.http.post('/api/app/session').send(scene === undefined ? { code } : { code, scene });
}

export async function session(h: Harness, openid: string, scene?: string): Promise<{ token: string; customer: any }> {
  const res = await openApp(h, openid, scene);
  if (res.status !== 200) throw new Error(`session ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function becomeMember(h: Harness, token: string, phone: string) {
  const code = await phoneCode(h, phone);
  return h.http.post('/api/app/member').set('authorization', `Bearer ${token}`).send({ phoneCode: code });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let keySeq = 0;
export const idemKey = () => `idem-${process.pid}-${Date.now().toString(36)}-${++keySeq}`;

/** POST /api/app/orders with a fresh (or given) Idempotency-Key; returns the supertest response. */
export function placeOrder(h: Harness, token: string, body: object, key = idemKey()) {
  return h.http.post('/api/app/orders').set(bearer(token)).set('idempotency-key', key).send(body);
}

/** The consumer pays in WeChat: the emulator marks the transaction paid and notifies the server. */
export function payInWechat(h: Harness, paymentPackage: string, opts: { ignoreClosed?: boolean } = {}) {
  if (!h.pay) throw new Error('harness created without pay');
  return h.pay.control.pay({ prepayId: paymentPackage, ...opts });
}

/** A member with a session and the welcome points. */
export async function member(h: Harness, phone: string, scene?: string) {
  const openid = newOpenid();
  const s = await session(h, openid, scene);
  const res = await becomeMember(h, s.token, phone);
  if (res.status !== 200) throw new Error(`member ${res.status} ${JSON.stringify(res.body)}`);
  return { openid, token: s.token, customerId: s.customer.id as number };
}
