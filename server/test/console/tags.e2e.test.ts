import { BULK_PHONES_MAX } from '@o2o/shared';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeTag } from '../helpers/fixtures';
import { Tag } from '../../src/modules/tag/tag.entity';
import { consoleStore, consoleTokens, freshPhone, getAs, memberAt, postAs } from './customer-fixtures';

jest.setTimeout(120_000);

const q = (h: Harness, sql: string, args: unknown[] = []) => h.deps.db.read((em) => em.query(sql, args)) as Promise<any[]>;
const masked = (p: string) => `${p.slice(0, 3)}****${p.slice(7)}`;

describeEachDb('console tags: list with counts, rename, tagging by phone numbers', (get) => {
  let world: Awaited<ReturnType<typeof consoleTokens>> & { scene: string };
  beforeAll(async () => {
    const h = get();
    world = { ...(await consoleTokens(h)), scene: (await consoleStore(h)).code.sceneEncoded };
  });

  it('tags by an uploaded phone list: dry run reports matched / not found (masked) / invalid lines / repeats and changes nothing; apply tags once; audited without numbers', async () => {
    const h = get();
    const tag = await makeTag(h, undefined, 'custom');
    const [m1, m2] = [await memberAt(h, world.scene), await memberAt(h, world.scene)];
    const unknown = [freshPhone(), freshPhone()];
    const phones = [
      m1.phone, // 1
      `+86 ${m2.phone.slice(0, 3)} ${m2.phone.slice(3, 7)} ${m2.phone.slice(7)}`, // 2
      '', // 3: blank line, skipped
      unknown[0], // 4
      '12345', // 5: invalid
      m1.phone, // 6: repeat
      `0086${unknown[1]}`, // 7
      '手机号', // 8: invalid
      `${m2.phone}9`, // 9: invalid (12 digits)
    ];
    const dry = await postAs(h, world.marketerToken, '/api/admin/tags/bulk-phones', { tagId: tag.id, phones, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      dryRun: true,
      total: 9,
      distinct: 4,
      duplicates: 1,
      matched: 2,
      notFound: { count: 2, sample: unknown.map(masked) },
      invalid: { count: 3, lines: [5, 8, 9] },
      changed: 0,
      applied: false,
    });
    expect(await q(h, 'SELECT id FROM customer_tag WHERE tag_id = ?', [tag.id])).toEqual([]);
    expect(await q(h, "SELECT id FROM audit_log WHERE action = 'tag.bulk_phones'")).toEqual([]);

    const apply = await postAs(h, world.marketerToken, '/api/admin/tags/bulk-phones', { tagId: tag.id, phones });
    expect(apply.status).toBe(200);
    expect(apply.body).toMatchObject({ dryRun: false, matched: 2, changed: 2, applied: true, notFound: { count: 2 }, invalid: { count: 3 } });
    const rows = await q(h, 'SELECT customer_id, source, source_ref FROM customer_tag WHERE tag_id = ? ORDER BY customer_id', [tag.id]);
    expect(rows.map((r) => [Number(r.customer_id), r.source, r.source_ref])).toEqual([
      [m1.customerId, 'manual', `staff:${world.marketer.id}`],
      [m2.customerId, 'manual', `staff:${world.marketer.id}`],
    ]);
    const audits = await q(h, "SELECT actor_staff_id, target_type, target_id, summary, details FROM audit_log WHERE action = 'tag.bulk_phones'");
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ target_type: 'tag', target_id: String(tag.id) });
    expect(Number(audits[0].actor_staff_id)).toBe(world.marketer.id);
    expect(JSON.parse(audits[0].details)).toMatchObject({ matched: 2, notFound: 2, invalid: 3, duplicates: 1 });
    const auditText = JSON.stringify(audits);
    for (const p of [m1.phone, m2.phone, ...unknown]) expect(auditText).not.toContain(p.slice(3));

    // a repeat changes nothing
    const again = await postAs(h, world.marketerToken, '/api/admin/tags/bulk-phones', { tagId: tag.id, phones });
    expect(again.body).toMatchObject({ matched: 2, changed: 0, applied: true });
    expect(await q(h, 'SELECT id FROM customer_tag WHERE tag_id = ?', [tag.id])).toHaveLength(2);

    // the list counts it, and the customers list filters by it
    const list = await getAs(h, world.marketerToken, '/api/admin/tags?group=custom');
    expect(list.body.items.find((t: any) => t.id === tag.id)).toMatchObject({ customerCount: 2, ruleManaged: false });
    const customers = await getAs(h, world.marketerToken, `/api/admin/customers?tagId=${tag.id}`);
    expect(customers.body.items.map((c: any) => c.id)).toEqual([m2.customerId, m1.customerId]);
  });

  it('with an expiry: rows carry it; refusals: past expiry, unknown tag, rule-managed tag, bad bodies, store manager', async () => {
    const h = get();
    const tag = await makeTag(h, undefined, 'custom');
    const m = await memberAt(h, world.scene);
    const expiresAt = new Date(h.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const ok = await postAs(h, world.adminToken, '/api/admin/tags/bulk-phones', { tagId: tag.id, phones: [m.phone], expiresAt });
    expect(ok.body).toMatchObject({ matched: 1, changed: 1 });
    const [row] = await q(h, 'SELECT expires_at FROM customer_tag WHERE tag_id = ?', [tag.id]);
    expect(new Date(row.expires_at instanceof Date ? row.expires_at : `${String(row.expires_at).replace(' ', 'T')}Z`).toISOString()).toBe(expiresAt.replace('+00:00', 'Z'));

    const past = await postAs(h, world.adminToken, '/api/admin/tags/bulk-phones', { tagId: tag.id, phones: [m.phone], expiresAt: new Date(h.clock.now().getTime() - 1000).toISOString() });
    expect([past.status, past.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknownTag = await postAs(h, world.adminToken, '/api/admin/tags/bulk-phones', { tagId: 99_999_999, phones: [m.phone], dryRun: true });
    expect([unknownTag.status, unknownTag.body.code]).toEqual([400, 'TAG_UNKNOWN']);
    const lifecycleId = await h.deps.db.transaction((tx) => h.deps.db.insertReturningId(tx, Tag, { name: `new-${Date.now()}`, tagGroup: 'lifecycle' }));
    const managed = await postAs(h, world.adminToken, '/api/admin/tags/bulk-phones', { tagId: lifecycleId, phones: [m.phone], dryRun: true });
    expect([managed.status, managed.body.code]).toEqual([400, 'TAG_RULE_MANAGED']);
    for (const bad of [{ tagId: tag.id, phones: [] }, { tagId: tag.id }, { tagId: tag.id, phones: ['x'.repeat(33)] }, { tagId: tag.id, phones: [m.phone], dryRun: 'yes' }, { tagId: tag.id, phones: [123] }]) {
      expect((await postAs(h, world.adminToken, '/api/admin/tags/bulk-phones', bad)).status).toBe(400);
    }
    const { managerToken } = await consoleStore(h);
    expect((await postAs(h, managerToken, '/api/admin/tags/bulk-phones', { tagId: tag.id, phones: [m.phone] })).status).toBe(403);
  });

  it(`accepts ${BULK_PHONES_MAX.toLocaleString('en')} numbers in one upload (the upload body limit), refuses one more`, async () => {
    const h = get();
    const tag = await makeTag(h, undefined, 'custom');
    const m = await memberAt(h, world.scene);
    const phones = Array.from({ length: BULK_PHONES_MAX }, (_, i) => `137${String(i).padStart(8, '0')}`);
    phones[BULK_PHONES_MAX - 1] = m.phone;
    const t0 = Date.now();
    const res = await postAs(h, world.adminToken, '/api/admin/tags/bulk-phones', { tagId: tag.id, phones, dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: BULK_PHONES_MAX, distinct: BULK_PHONES_MAX, matched: 1, notFound: { count: BULK_PHONES_MAX - 1 }, invalid: { count: 0 } });
    expect(res.body.notFound.sample).toHaveLength(20);
    expect(Date.now() - t0).toBeLessThan(30_000);
    const tooMany = await postAs(h, world.adminToken, '/api/admin/tags/bulk-phones', { tagId: tag.id, phones: [...phones, m.phone], dryRun: true });
    expect(tooMany.status).toBe(400);
  });

  it('lists tags with counts, filtered by group and name; renames (audited), refuses rule tags and taken names; create is audited', async () => {
    const h = get();
    const token = world.adminToken;
    const created = await postAs(h, token, '/api/admin/tags', { name: `春季_100%`, group: 'custom' });
    expect(created.status).toBe(201);
    const id = created.body.tag.id;
    const other = await makeTag(h, `秋季${Date.now()}`, 'custom');
    expect((await q(h, "SELECT target_id FROM audit_log WHERE action = 'tag.create'")).map((r) => r.target_id)).toContain(String(id));

    const all = await getAs(h, token, '/api/admin/tags');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(all.body.items.length);
    expect(all.body.countSource).toBe('sql');
    expect(all.body.items.find((t: any) => t.id === id)).toMatchObject({ name: '春季_100%', group: 'custom', customerCount: 0, ruleManaged: false });
    // `%` and `_` in the search are literal
    const found = await getAs(h, token, `/api/admin/tags?q=${encodeURIComponent('_100%')}`);
    expect(found.body.items.map((t: any) => t.id)).toEqual([id]);
    expect((await getAs(h, token, `/api/admin/tags?q=${encodeURIComponent('%')}&group=custom`)).body.items.map((t: any) => t.id)).toEqual([id]);
    expect((await getAs(h, token, '/api/admin/tags?group=channel')).body.items.every((t: any) => t.group === 'channel')).toBe(true);
    const paged = await getAs(h, token, '/api/admin/tags?current=1&pageSize=1');
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body.total).toBe(all.body.total);
    expect((await getAs(h, token, '/api/admin/tags?group=vip')).status).toBe(400);

    const renamed = await h.http.patch(`/api/admin/tags/${id}`).set(bearer(token)).send({ name: '  春季上新  ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.tag).toEqual({ id, name: '春季上新', group: 'custom' });
    const audit = await q(h, "SELECT details FROM audit_log WHERE action = 'tag.rename' AND target_id = ?", [String(id)]);
    expect(audit.map((a) => JSON.parse(a.details))).toEqual([{ before: '春季_100%', after: '春季上新' }]);
    const taken = await h.http.patch(`/api/admin/tags/${id}`).set(bearer(token)).send({ name: other.name });
    expect([taken.status, taken.body.code]).toEqual([409, 'TAG_NAME_TAKEN']);
    const lifecycleId = await h.deps.db.transaction((tx) => h.deps.db.insertReturningId(tx, Tag, { name: `lost-${Date.now()}`, tagGroup: 'lifecycle' }));
    const managed = await h.http.patch(`/api/admin/tags/${lifecycleId}`).set(bearer(token)).send({ name: '流失' });
    expect([managed.status, managed.body.code]).toEqual([400, 'TAG_RULE_MANAGED']);
    expect((await h.http.patch('/api/admin/tags/99999999').set(bearer(token)).send({ name: 'x' })).status).toBe(404);
    expect((await h.http.patch(`/api/admin/tags/${id}`).set(bearer(token)).send({ name: '' })).status).toBe(400);
  });

  it('bulk tagging by a segment rule is audited too (the 按人群打标签 page)', async () => {
    const h = get();
    const marker = await makeTag(h, undefined, 'custom');
    const target = await makeTag(h, undefined, 'custom');
    const m = await memberAt(h, world.scene);
    await postAs(h, world.marketerToken, '/api/admin/tags/bulk-phones', { tagId: marker.id, phones: [m.phone] });
    const res = await postAs(h, world.marketerToken, '/api/admin/tags/bulk', { action: 'add', tagIds: [target.id], rule: { type: 'tags', match: 'any', tagIds: [marker.id] } });
    expect(res.body).toMatchObject({ customers: 1, changed: 1 });
    const audits = await q(h, "SELECT target_id, details FROM audit_log WHERE action = 'tag.bulk_add' AND target_id = ?", [String(target.id)]);
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0].details)).toMatchObject({ by: 'rule', customers: 1, tagIds: [target.id] });
  });
});
