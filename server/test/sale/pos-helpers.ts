import type { Harness } from '../helpers/harness';
import { makeStaff, staffToken } from '../helpers/fixtures';
import { bearer } from '../helpers/flows';
import { posClient, type PosClientConfig } from '../../src/cli/pos';
import { POS_HEADER, signRequest } from '../../src/modules/sale/pos-signature';

/** What the POS tests share: an admin, terminals made through the console API, and signed requests against the real server. */

export async function adminToken(h: Harness): Promise<string> {
  return staffToken(h, (await makeStaff(h, 'admin')).staff.id);
}

export interface Till {
  id: number;
  keyId: string;
  secret: string;
  storeId: number;
}

/** POST /api/admin/pos-terminals as an admin. */
export async function makeTill(h: Harness, admin: string, storeId: number, name = '收银台 1'): Promise<Till> {
  const res = await h.http.post('/api/admin/pos-terminals').set(bearer(admin)).send({ storeId, name });
  if (res.status !== 201) throw new Error(`pos-terminal ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.terminal.id, keyId: res.body.terminal.keyId, secret: res.body.secret, storeId };
}

/** The CLI's client on the harness's listening server, signing with the test clock. */
export function tillClient(h: Harness, till: Till, extra: Partial<PosClientConfig> = {}) {
  return posClient({ baseUrl: h.baseUrl, keyId: till.keyId, secret: till.secret, now: () => h.clock.now().getTime(), ...extra });
}

export interface RawSend {
  method?: string;
  /** The request target sent. */
  path: string;
  /** The bytes sent. */
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** One request with exactly these bytes and headers (fetch against the listening server). */
export async function rawSend(h: Harness, r: RawSend): Promise<{ status: number; body: any }> {
  const method = r.method ?? 'POST';
  const res = await fetch(`${h.baseUrl}${r.path}`, {
    method,
    headers: { ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}), ...r.headers },
    body: r.body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export interface SignOverrides {
  secret?: string;
  keyId?: string;
  timestamp?: number;
  nonce?: string;
  /** Sign this target instead of the one sent. */
  signedPath?: string;
  /** Sign these bytes instead of the ones sent. */
  signedBody?: string | Buffer;
  method?: string;
}

/** Signed headers for `path` and `body`, with any part of the signing overridden (to forge a failure). */
export function signedHeaders(h: Harness, till: Till, path: string, body: string | Buffer, o: SignOverrides = {}): Record<string, string> {
  return signRequest({
    keyId: o.keyId ?? till.keyId,
    secret: o.secret ?? till.secret,
    method: o.method ?? 'POST',
    path: o.signedPath ?? path,
    body: o.signedBody ?? body,
    timestamp: o.timestamp ?? Math.floor(h.clock.now().getTime() / 1000),
    nonce: o.nonce,
  });
}

export { POS_HEADER };
