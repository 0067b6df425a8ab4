import type { StaffRole } from '@o2o/shared';
import type { Policy } from '../../src/http/policy';
import { describeEachDb } from '../helpers/harness';
import { bearer, session, newOpenid } from '../helpers/flows';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { createPosTerminal } from '../../src/modules/sale/pos-terminal.service';
import { signRequest } from '../../src/modules/sale/pos-signature';

/** `terminal`: a till of the POS API, authenticated by a signed request (no bearer token). */
type Principal = 'anonymous' | 'consumer' | StaffRole | 'terminal';
const PRINCIPALS: Principal[] = ['anonymous', 'consumer', 'clerk', 'store_manager', 'marketer', 'admin', 'terminal'];

/** What the declared policy says each principal gets: deny codes, or 'allow' (anything but 401/403). */
function expected(policy: Policy, who: Principal): 'allow' | 401 | 403 {
  switch (policy.kind) {
    case 'public':
    case 'signed-url':
      return 'allow';
    case 'consumer':
      return who === 'consumer' ? 'allow' : 401;
    case 'staff':
      if (who === 'anonymous' || who === 'consumer' || who === 'terminal') return 401;
      return policy.roles.includes(who) ? 'allow' : 403;
    case 'pos':
      return who === 'terminal' ? 'allow' : 401;
  }
}

describeEachDb('authorization matrix: every route × every role matches its declared policy (deny by default)', (get) => {
  it('every mounted route has a declared policy', () => {
    const h = get();
    const declared = new Set(h.app.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const mounted = h.app.router.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${layer.path}`));
    expect(mounted.length).toBeGreaterThan(20);
    const undeclared = mounted.filter((m) => !declared.has(m));
    expect(undeclared).toEqual([]);
    // public routes must say why they are public
    for (const r of h.app.routes) if (r.policy.kind === 'public') expect(r.policy.why.length).toBeGreaterThan(5);
  });

  it('each principal is allowed or denied exactly as declared', async () => {
    const h = get();
    const store = await makeStore(h);
    const tokens: Partial<Record<Principal, string>> = { consumer: (await session(h, newOpenid())).token };
    let admin: { staffId: number; name: string } | null = null;
    for (const role of ['clerk', 'store_manager', 'marketer', 'admin'] as const) {
      const { staff } = await makeStaff(h, role, role === 'clerk' || role === 'store_manager' ? store.id : undefined);
      tokens[role] = staffToken(h, staff.id);
      if (role === 'admin') admin = { staffId: staff.id, name: staff.name };
    }
    const till = await createPosTerminal(h.ctx, { kind: 'staff', role: 'admin', storeId: null, ...admin! }, { storeId: store.id, name: '收银台 1' });
    const mismatches: string[] = [];
    let cases = 0;
    for (const r of h.app.routes) {
      const path = r.path.replace(/:[A-Za-z]+/g, '999999');
      for (const who of PRINCIPALS) {
        const req = h.http[r.method](path);
        if (tokens[who as keyof typeof tokens]) req.set(bearer(tokens[who as keyof typeof tokens]!));
        const body = r.method === 'get' ? '' : '{}';
        if (who === 'terminal') {
          req.set(signRequest({ keyId: till.terminal.keyId, secret: till.secret, method: r.method.toUpperCase(), path, body, timestamp: Math.floor(h.clock.now().getTime() / 1000) }));
        }
        const res = r.method === 'get' ? await req : await req.set('content-type', 'application/json').send(body);
        cases++;
        // WeChat Pay notifications are public routes authenticated by their signature: unsigned → 401 for everyone.
        const want = r.path.startsWith('/notify/') ? 401 : expected(r.policy, who);
        const got = res.status === 401 || res.status === 403 ? res.status : 'allow';
        if (got !== want) mismatches.push(`${r.method.toUpperCase()} ${r.path} as ${who}: expected ${want}, got ${res.status} ${res.body?.code}`);
        expect(res.status).toBeLessThan(500);
      }
    }
    expect(mismatches).toEqual([]);
    expect(cases).toBe(h.app.routes.length * PRINCIPALS.length);
  }, 120_000); // every route × every principal, one request each


  it('a staff member who left is locked out at once (token version), and an expired token says TOKEN_EXPIRED', async () => {
    const h = get();
    const store = await makeStore(h);
    const { staff: manager } = await makeStaff(h, 'store_manager', store.id);
    const { staff: clerk } = await makeStaff(h, 'clerk', store.id);
    const clerkToken = staffToken(h, clerk.id);
    expect((await h.http.get('/api/clerk/me').set(bearer(clerkToken))).status).toBe(200);
    const left = await h.http.post(`/api/clerk/staff/${clerk.id}/leave`).set(bearer(staffToken(h, manager.id))).send({});
    expect(left.status).toBe(200);
    expect(left.body.staff.status).toBe('left');
    expect((await h.http.get('/api/clerk/me').set(bearer(clerkToken))).status).toBe(401);

    const short = h.deps.tokens.issue({ aud: 'staff', sub: manager.id, ver: 0 }, 60, h.clock.now()).token;
    h.clock.advance(61_000);
    const expired = await h.http.get('/api/clerk/me').set(bearer(short));
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('TOKEN_EXPIRED');
  });
}, { pay: true });
