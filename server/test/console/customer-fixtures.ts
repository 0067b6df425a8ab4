import type { Harness } from '../helpers/harness';
import { bearer, member, newOpenid, session } from '../helpers/flows';
import { makeClerkCode, makeStaff, makeStore, staffToken } from '../helpers/fixtures';

/** Fixtures of the console's customers / points / tags suites. */

let phoneSeq = 0;
/** A fresh mainland mobile number per call (unique within the process, even across suites on one database). */
export function freshPhone(): string {
  phoneSeq++;
  return `139${String(process.pid % 10000).padStart(4, '0')}${String(phoneSeq).padStart(4, '0')}`;
}

/** A store with a clerk (and the clerk's code), a store manager, and tokens for every console role. */
export async function consoleStore(h: Harness) {
  const store = await makeStore(h);
  const { staff: clerk } = await makeStaff(h, 'clerk', store.id);
  const { staff: manager } = await makeStaff(h, 'store_manager', store.id);
  const code = await makeClerkCode(h, store.id, clerk.id);
  return { store, clerk, manager, code, managerToken: staffToken(h, manager.id) };
}

export async function consoleTokens(h: Harness) {
  const { staff: admin } = await makeStaff(h, 'admin');
  const { staff: marketer } = await makeStaff(h, 'marketer');
  return { admin, marketer, adminToken: staffToken(h, admin.id), marketerToken: staffToken(h, marketer.id) };
}

/** A member who scanned the clerk's code (home store, owning clerk, welcome points). */
export async function memberAt(h: Harness, sceneEncoded: string, phone = freshPhone()) {
  const m = await member(h, phone, sceneEncoded);
  return { ...m, phone };
}

/** A fan (no phone) who scanned the code. */
export async function fanAt(h: Harness, sceneEncoded: string) {
  const s = await session(h, newOpenid(), sceneEncoded);
  return { token: s.token, customerId: s.customer.id as number };
}

export const getAs = (h: Harness, token: string, path: string) => h.http.get(path).set(bearer(token));
export const postAs = (h: Harness, token: string, path: string, body: object) => h.http.post(path).set(bearer(token)).send(body);
