import request from 'supertest';
import { createHarness, dbTargets, describeEachDb, type Harness } from '../helpers/harness';
import { makeStaff } from '../helpers/fixtures';
import { loginCode, newOpenid } from '../helpers/flows';
import { createApp } from '../../src/app';
import { buildDeps } from '../../src/deps';
import { createLogger } from '../../src/lib/logger';
import { Alert } from '../../src/modules/alert/alert.entity';
import { alertLockedOut } from '../../src/modules/alert/alert-sources';
import { AttemptCounter } from '../../src/modules/auth/attempt-counter.entity';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import type { EventMap } from '../../src/events/event-types';

/**
 * Hardening item 4: console passwords and clerk invite codes are throttled per account and per client address,
 * atomically (40 parallel guesses get at most the limit's evaluations), with backoff, an alert on lockout, one answer
 * for unknown users and wrong passwords, and the count kept in the database so it holds across api processes.
 */
describeEachDb('login throttling', (get) => {
  const login = (h: Harness, username: string, password: string, from = '203.0.113.7') =>
    h.http.post('/api/admin/session').set('x-forwarded-for', from).send({ username, password });

  /** The lockout events emitted so far, delivered to the alert handler as the outbox worker would. */
  async function deliverLockouts(h: Harness): Promise<void> {
    const events = await h.deps.db.read((em) => em.getRepository(OutboxEvent).findBy({ type: 'attempt.locked_out' }));
    for (const e of events) await alertLockedOut(h.ctx, (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as EventMap['attempt.locked_out']);
  }

  it('40 parallel wrong passwords: at most 5 are evaluated, the rest refused before any work; then locked with backoff', async () => {
    const h = get();
    const m = await makeStaff(h, 'marketer');
    const answers = await Promise.all(Array.from({ length: 40 }, () => login(h, m.username!, 'wrong-password-x')));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(35);
    const limited = answers.find((r) => r.status === 429)!;
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });

    // Locked now: even the right password is refused until the lock ends (1 min, then 2, 4…).
    const locked = await login(h, m.username!, m.password!);
    expect(locked.status).toBe(429);
    const first = locked.body.details.retryAfterSeconds as number;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(60);

    h.clock.advance(61_000);
    for (let i = 0; i < 5; i++) expect((await login(h, m.username!, 'wrong-again')).status).toBe(401);
    const second = await login(h, m.username!, m.password!);
    expect(second.status).toBe(429);
    expect(second.body.details.retryAfterSeconds).toBeGreaterThan(60); // doubled: 2 minutes

    h.clock.advance(121_000);
    const ok = await login(h, m.username!, m.password!);
    expect(ok.status).toBe(200);
    expect(ok.body.token).toEqual(expect.any(String));

    // Each lockout raised one alert naming the account (never the full address).
    await deliverLockouts(h);
    const alerts = await h.deps.db.read((em) => em.getRepository(Alert).findBy({ kind: 'login_locked' }));
    const mine = alerts.filter((a) => a.summary.includes(m.username!));
    expect(mine).toHaveLength(2);
    expect(alerts.some((a) => a.summary.includes('203.0.113.7'))).toBe(false);
  }, 60_000);

  it('an unknown username gets the same answers as a wrong password, and the table holds no usernames or addresses', async () => {
    const h = get();
    const from = '198.51.100.23';
    const ghost = `ghost${Date.now()}`;
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await login(h, ghost, 'whatever-pass', from)).status);
    expect(answers).toEqual([401, 401, 401, 401, 401, 429]);
    const rows = await h.deps.db.read((em) => em.getRepository(AttemptCounter).find());
    expect(rows.some((r) => r.subject.includes(ghost) || r.subject.includes('198.51.100'))).toBe(false);
  }, 60_000);

  it('per client address: many usernames from one address stop at the address limit (30)', async () => {
    const h = get();
    const from = '192.0.2.99';
    let refused = 0;
    for (let i = 0; i < 32; i++) if ((await login(h, `spray${i}-${Date.now()}`, 'password-123', from)).status === 429) refused++;
    expect(refused).toBe(2);
    // Another address is unaffected.
    expect((await login(h, `spray-other-${Date.now()}`, 'password-123', '192.0.2.100')).status).toBe(401);
  }, 60_000);

  it('a success gives the reservation back: a clerk of a busy store logging in all day is never locked', async () => {
    const h = get();
    const m = await makeStaff(h, 'admin');
    for (let i = 0; i < 12; i++) expect((await login(h, m.username!, m.password!, '192.0.2.150')).status).toBe(200);
  }, 60_000);

  it('invite codes: guesses per WeChat identity are limited (5), then RATE_LIMITED', async () => {
    const h = get();
    const openid = newOpenid();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const code = await loginCode(h, openid);
      statuses.push((await h.http.post('/api/clerk/bind').set('x-forwarded-for', '192.0.2.200').send({ code, inviteCode: `WRONG${i}XYZ` })).status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 400)).toBe(true);
    expect(statuses[5]).toBe(429);
  }, 60_000);
});

// Two api processes share one MySQL/MariaDB database (a second process on one SQLite file is not a deployment we support).
for (const target of dbTargets().filter((t) => t === 'mysql')) describe(`login throttling across processes [${target}]`, () => {
  let mysqlHarness: Harness;
  beforeAll(async () => {
    mysqlHarness = await createHarness(target);
  });
  afterAll(async () => {
    await mysqlHarness?.close();
  });

  it('two api processes on one database share the count (MariaDB)', async () => {
    const h = mysqlHarness;
    const m = await makeStaff(h, 'marketer');
    const second = await buildDeps(h.config, { clock: h.clock, log: createLogger('error') });
    try {
      const other = request(createApp(second).app.callback());
      const via = (http: typeof other, i: number) => http.post('/api/admin/session').set('x-forwarded-for', '203.0.113.50').send({ username: m.username, password: `wrong-${i}` });
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => via(i % 2 ? other : h.http, i)));
      // Both processes' answers together: exactly the limit evaluated (no place lost to the row's creation race).
      expect(answers.filter((r) => r.status === 401).length).toBe(5);
      expect(answers.filter((r) => r.status === 429).length).toBe(15);
      expect((await via(other, 99)).status).toBe(429);
      expect((await via(h.http, 100)).status).toBe(429);
    } finally {
      await second.db.dataSource.destroy();
    }
  });
});
