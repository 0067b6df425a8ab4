import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeTag } from '../helpers/fixtures';
import { expireCustomerTags } from '../../src/modules/tag/expiry.service';
import { tagCustomer } from '../../src/modules/tag/tag.service';
import { consoleToken, eventsOf, insertCustomers, lastEventId, tagsOf } from './helpers';

// DB suites on a shared machine: the root jest config keeps the 5 s default.
jest.setTimeout(60_000);

describeEachDb('manual tags in bulk, sources and expiry', (get) => {
  it('bulk by list: exact counts, unknown ids reported, idempotent, events of ≤ 1,000 ids', async () => {
    const h = get();
    const token = await consoleToken(h);
    const [t1, t2] = [await makeTag(h, undefined, 'custom'), await makeTag(h, undefined, 'custom')];
    const ids = await insertCustomers(h, 1200);
    const unknown = [ids[ids.length - 1]! + 100_000, ids[ids.length - 1]! + 100_001];
    // one customer already holds t1 from a scan: first source wins, it is not counted
    await h.deps.db.transaction((tx) => tagCustomer(tx, ids[0]!, [t1.id], { source: 'qr', sourceRef: '3', at: h.clock.now() }));
    const before = await lastEventId(h);
    const body = { action: 'add', tagIds: [t1.id, t2.id], customerIds: [...ids, ...unknown, ids[5]] };
    const res = await h.http.post('/api/admin/tags/bulk').set(bearer(token)).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ action: 'add', customers: 1200, changed: 2 * 1200 - 1, unknownCustomerIds: unknown });
    expect((await tagsOf(h, ids[0]!)).map((r) => r.source)).toEqual(['qr', 'manual']);
    const ev = await eventsOf(h, 'tags.bulk_changed', before);
    expect(ev.every((e) => e.added.length + e.removed.length <= 1000 && e.source === 'manual')).toBe(true);
    expect(ev.filter((e) => e.tagId === t1.id).flatMap((e) => e.added).sort((a, b) => a - b)).toEqual(ids.slice(1));
    expect(ev.filter((e) => e.tagId === t2.id).flatMap((e) => e.added).sort((a, b) => a - b)).toEqual(ids);

    const again = await h.http.post('/api/admin/tags/bulk').set(bearer(token)).send(body);
    expect(again.body.changed).toBe(0);
    const mid = await lastEventId(h);
    // remove takes the tag off whatever its source (the qr one too)
    const off = await h.http.post('/api/admin/tags/bulk').set(bearer(token)).send({ action: 'remove', tagIds: [t1.id], customerIds: ids.slice(0, 10) });
    expect(off.body).toMatchObject({ customers: 10, changed: 10, unknownCustomerIds: [] });
    expect(await tagsOf(h, ids[0]!)).toEqual([expect.objectContaining({ tagId: t2.id, source: 'manual' })]);
    const offEv = await eventsOf(h, 'tags.bulk_changed', mid);
    expect(offEv.map((e) => [e.tagId, e.added, [...e.removed].sort((a, b) => a - b)])).toEqual([[t1.id, [], ids.slice(0, 10)]]);
  });

  it('bad requests: unknown tags named, rule tags refused, one of list or rule, expiry only when adding', async () => {
    const h = get();
    const token = await consoleToken(h);
    const t = await makeTag(h, undefined, 'custom');
    const [id] = await insertCustomers(h, 1);
    const post = (body: object) => h.http.post('/api/admin/tags/bulk').set(bearer(token)).send(body);
    const unknownTag = await post({ action: 'add', tagIds: [t.id, 99_999_999], customerIds: [id] });
    expect(unknownTag.status).toBe(400);
    expect(unknownTag.body).toMatchObject({ code: 'TAG_UNKNOWN', details: { tagIds: [99_999_999] } });
    const lifecycle = await h.http.post('/api/admin/tags').set(bearer(token)).send({ name: 'VIP', group: 'lifecycle' });
    expect(lifecycle.body.code).toBe('TAG_RULE_MANAGED');
    expect((await post({ action: 'add', tagIds: [t.id] })).status).toBe(400);
    expect((await post({ action: 'add', tagIds: [t.id], customerIds: [id], rule: { type: 'consent', value: true } })).status).toBe(400);
    expect((await post({ action: 'remove', tagIds: [t.id], customerIds: [id], expiresAt: '2030-01-01T00:00:00+08:00' })).status).toBe(400);
    expect((await post({ action: 'add', tagIds: [t.id, t.id], customerIds: [id] })).status).toBe(400);
  });

  it('bulk by segment rule: the audience now', async () => {
    const h = get();
    const token = await consoleToken(h);
    const [marker, target] = [await makeTag(h, undefined, 'custom'), await makeTag(h, undefined, 'custom')];
    const ids = await insertCustomers(h, 30);
    await h.http.post('/api/admin/tags/bulk').set(bearer(token)).send({ action: 'add', tagIds: [marker.id], customerIds: ids.slice(0, 12) });
    const rule = { type: 'tags', match: 'any', tagIds: [marker.id] };
    const res = await h.http.post('/api/admin/tags/bulk').set(bearer(token)).send({ action: 'add', tagIds: [target.id], rule });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ action: 'add', customers: 12, changed: 12, unknownCustomerIds: [] });
    const bad = await h.http.post('/api/admin/tags/bulk').set(bearer(token)).send({ action: 'add', tagIds: [target.id], rule: { type: 'tags', match: 'any', tagIds: [88_888_888] } });
    expect(bad.status).toBe(400);
  });

  it('expiry job: removes due tags in batches at the exact instant, emits removals, is idempotent; views hide lapsed tags', async () => {
    const h = get();
    const token = await consoleToken(h);
    const [t, keep] = [await makeTag(h, undefined, 'custom'), await makeTag(h, undefined, 'custom')];
    const ids = await insertCustomers(h, 3);
    const expiresAt = new Date(h.clock.now().getTime() + 3_600_000);
    await h.http.post('/api/admin/tags/bulk').set(bearer(token)).send({ action: 'add', tagIds: [t.id], customerIds: ids, expiresAt: expiresAt.toISOString() });
    await h.http.post('/api/admin/tags/bulk').set(bearer(token)).send({ action: 'add', tagIds: [keep.id], customerIds: ids });
    const view = await h.http.get(`/api/admin/customers/${ids[0]}/tags`).set(bearer(token));
    expect(view.status).toBe(200);
    expect(view.body.items).toEqual([
      expect.objectContaining({ tagId: t.id, source: 'manual', sourceRef: expect.stringMatching(/^staff:\d+$/), expiresAt: expiresAt.toISOString() }),
      expect.objectContaining({ tagId: keep.id, expiresAt: null }),
    ]);
    h.clock.set(expiresAt.getTime() - 1);
    expect(await expireCustomerTags(h.ctx)).toBe(0);
    h.clock.set(expiresAt);
    const before = await lastEventId(h);
    expect(await expireCustomerTags(h.ctx, 2)).toBe(3);
    expect(await expireCustomerTags(h.ctx)).toBe(0);
    for (const id of ids) expect((await tagsOf(h, id)).map((r) => r.tagId)).toEqual([keep.id]);
    const ev = await eventsOf(h, 'tags.bulk_changed', before);
    expect(ev.every((e) => e.tagId === t.id && e.source === 'expiry' && e.added.length === 0)).toBe(true);
    expect(ev.flatMap((e) => e.removed).sort((a, b) => a - b)).toEqual(ids);
  });

  it('console views: counts per tag with groups, rule settings, a recompute started and finished, 404 for an unknown customer', async () => {
    const h = get();
    const token = await consoleToken(h);
    const t = await makeTag(h, undefined, 'custom');
    const ids = await insertCustomers(h, 4);
    await h.http.post('/api/admin/tags/bulk').set(bearer(token)).send({ action: 'add', tagIds: [t.id], customerIds: ids });
    const summary = await h.http.get('/api/admin/tags/summary').set(bearer(token));
    expect(summary.body.items.find((i: { id: number }) => i.id === t.id)).toEqual({ id: t.id, name: t.name, group: 'custom', customerCount: 4, ruleManaged: false });
    const settings = await h.http.get('/api/admin/tags/rule-settings').set(bearer(token));
    expect(settings.body.settings).toMatchObject({ timezone: 'Asia/Shanghai', lifecycle: { newDays: 30, dormantDays: 60, lostDays: 180 }, preference: { windowDays: 90, top: 2 } });
    const started = await h.http.post('/api/admin/tags/recompute').set(bearer(token)).send({ kinds: ['lifecycle'] });
    expect(started.status).toBe(202);
    expect(started.body.started).toBe(true);
    let status = started.body.status;
    for (let i = 0; i < 200 && status.running; i++) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await h.http.get('/api/admin/tags/recompute').set(bearer(token))).body.status;
    }
    expect(status).toMatchObject({ running: false, kinds: ['lifecycle'], error: null });
    expect(status.last.customers).toBeGreaterThanOrEqual(4);
    const after = await h.http.get('/api/admin/tags/summary').set(bearer(token));
    const lifecycle = after.body.items.filter((i: { group: string }) => i.group === 'lifecycle');
    expect(lifecycle.map((i: { name: string }) => i.name).sort()).toEqual(['active', 'dormant', 'lost', 'new']);
    expect(lifecycle.every((i: { ruleManaged: boolean }) => i.ruleManaged)).toBe(true);
    expect((await h.http.get('/api/admin/customers/99999999/tags').set(bearer(token))).status).toBe(404);
    expect((await h.http.post('/api/admin/tags/recompute').set(bearer(token)).send({})).status).toBe(400);
  });
});
