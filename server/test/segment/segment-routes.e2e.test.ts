import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeStaff, staffToken } from '../helpers/fixtures';
import { SegmentExport, SegmentExportChunk } from '../../src/modules/segment/segment.entity';
import { runExports } from '../../src/modules/segment/export.service';
import { startSegmentIndex, stopSegmentIndex } from '../../src/modules/segment/index-runtime';
import { makeWorld, type World } from './data';

const PHONE_MASKED = /^1\d{2}\*{4}\d{4}$/;

describeEachDb('segment endpoints', (get) => {
  let token: string;
  let world: World;

  beforeAll(async () => {
    const h = get();
    token = staffToken(h, (await makeStaff(h, 'marketer')).staff.id);
    world = await makeWorld(h, 77, 60, h.clock.now());
  });
  afterAll(() => stopSegmentIndex(get().deps));

  const preview = (h: Harness, rule: unknown, q = '') => h.http.post(`/api/admin/segments/preview${q}`).set(bearer(token)).send({ rule });

  it('preview: SQL until the index is up, then the bitmap index with the same count and sample', async () => {
    const h = get();
    const rule = { type: 'any', rules: [{ type: 'membership', value: 'member' }, { type: 'stores', storeIds: [world.storeIds[0]] }] };
    const sql = await preview(h, rule);
    expect(sql.status).toBe(200);
    expect(sql.body.engine).toBe('sql');
    expect(sql.body.count).toBeGreaterThan(20);
    expect(sql.body.sample).toHaveLength(20);
    // newest first; phones only masked
    const ids = sql.body.sample.map((s: { id: number }) => s.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    for (const s of sql.body.sample) if (s.phone !== null) expect(s.phone).toMatch(PHONE_MASKED);
    expect(JSON.stringify(sql.body)).not.toMatch(/1\d{10}/);

    const rt = startSegmentIndex(h.deps)!;
    await rt.rebuild();
    const bitmap = await preview(h, rule);
    expect(bitmap.body.engine).toBe('bitmap');
    expect(bitmap.body.freshness).toMatchObject({ ready: true });
    expect(bitmap.body.freshness.builtAt).toEqual(expect.any(String));
    expect({ count: bitmap.body.count, sample: bitmap.body.sample }).toEqual({ count: sql.body.count, sample: sql.body.sample });
    const forced = await preview(h, rule, '?engine=sql');
    expect(forced.body).toMatchObject({ engine: 'sql', count: sql.body.count, freshness: null });
  });

  it('bad rules: too deep, too many conditions, hostile nesting, unknown ids named, malformed', async () => {
    const h = get();
    let deep: unknown = { type: 'consent', value: true };
    for (let i = 0; i < 6; i++) deep = { type: 'not', rule: deep };
    const tooDeep = await preview(h, deep);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.code).toBe('SEGMENT_RULE_TOO_LARGE');

    const wide = { type: 'any', rules: Array.from({ length: 33 }, () => ({ type: 'consent', value: true })) };
    expect((await preview(h, wide)).body.code).toBe('SEGMENT_RULE_TOO_LARGE');
    const many = { type: 'all', rules: Array.from({ length: 30 }, () => ({ type: 'any', rules: [{ type: 'consent', value: true }, { type: 'level', min: 1 }] })) };
    expect((await preview(h, many)).body.code).toBe('SEGMENT_RULE_TOO_LARGE');
    const storeList = Array.from({ length: 700 }, (_, i) => i + 1);
    const manyIds = { type: 'any', rules: [0, 1, 2].map(() => ({ type: 'stores', storeIds: storeList })) }; // 2,100 ids in all
    expect((await preview(h, manyIds)).body.code).toBe('SEGMENT_RULE_TOO_LARGE');

    // 2,500 levels of nesting in a 55 KB body (under the body limit): the size check answers, no stack overflow
    let hostile = '{"type":"consent","value":true}';
    for (let i = 0; i < 2500; i++) hostile = `{"type":"not","rule":${hostile}}`;
    const big = await h.http.post('/api/admin/segments/preview').set(bearer(token)).set('content-type', 'application/json').send(`{"rule":${hostile}}`);
    expect({ status: big.status, code: big.body.code }).toEqual({ status: 400, code: 'SEGMENT_RULE_TOO_LARGE' });

    const unknown = await preview(h, { type: 'all', rules: [{ type: 'tags', match: 'any', tagIds: [world.tagIds[0], 999_991] }, { type: 'stores', storeIds: [999_992] }, { type: 'clerks', staffIds: [999_993] }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('SEGMENT_UNKNOWN_REFERENCE');
    expect(unknown.body.message).toContain('999991');
    expect(unknown.body.message).toContain('999992');
    expect(unknown.body.details).toEqual({ tagIds: [999_991], storeIds: [999_992], staffIds: [999_993] });

    for (const bad of [
      { type: 'level', min: 3, max: 1 },
      { type: 'level' },
      { type: 'orderCount', windowDays: 8, min: 1 },
      { type: 'consent', value: true, extra: 1 },
      { type: 'tags', match: 'any', tagIds: [] },
      { type: 'daysSinceLastPurchase', min: -1 },
      { type: 'all', rules: [] },
      { type: 'sql', where: '1=1' },
    ]) {
      const res = await preview(h, bad);
      expect({ bad, status: res.status, code: res.body.code }).toEqual({ bad, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await h.http.post('/api/admin/segments/preview?engine=fast').set(bearer(token)).send({ rule: { type: 'consent', value: true } })).status).toBe(400);
    // console only: a clerk is refused
    const clerk = staffToken(h, world.clerkIds[0]!);
    expect((await h.http.post('/api/admin/segments/preview').set(bearer(clerk)).send({ rule: { type: 'consent', value: true } })).status).toBe(403);
  });

  it('saved segments: create, read, list, update (references checked), delete', async () => {
    const h = get();
    const rule = { type: 'tags', match: 'any', tagIds: [world.tagIds[1]] };
    const created = await h.http.post('/api/admin/segments').set(bearer(token)).send({ name: '沉睡会员', rule });
    expect(created.status).toBe(201);
    const id = created.body.segment.id;
    expect(created.body.segment).toMatchObject({ name: '沉睡会员', description: null, rule });
    expect((await h.http.get(`/api/admin/segments/${id}`).set(bearer(token))).body.segment.rule).toEqual(rule);
    const list = await h.http.get('/api/admin/segments?limit=5').set(bearer(token));
    expect(list.body.items.map((s: { id: number }) => s.id)).toContain(id);

    const badRef = await h.http.patch(`/api/admin/segments/${id}`).set(bearer(token)).send({ rule: { type: 'stores', storeIds: [999_994] } });
    expect(badRef.body.code).toBe('SEGMENT_UNKNOWN_REFERENCE');
    expect((await h.http.patch(`/api/admin/segments/${id}`).set(bearer(token)).send({})).status).toBe(400);
    const renamed = await h.http.patch(`/api/admin/segments/${id}`).set(bearer(token)).send({ name: '流失会员', description: '90 天未购' });
    expect(renamed.body.segment).toMatchObject({ name: '流失会员', description: '90 天未购', rule });

    expect((await h.http.delete(`/api/admin/segments/${id}`).set(bearer(token))).status).toBe(204);
    expect((await h.http.get(`/api/admin/segments/${id}`).set(bearer(token))).status).toBe(404);
    expect((await h.http.delete(`/api/admin/segments/${id}`).set(bearer(token))).status).toBe(404);
  });

  it('export: asynchronous with progress, CSV of the audience with masked phones only', async () => {
    const h = get();
    const rule = { type: 'not', rule: { type: 'consent', value: false } };
    const seg = (await h.http.post('/api/admin/segments').set(bearer(token)).send({ name: '可营销', rule })).body.segment;
    const count = (await preview(h, rule, '?engine=sql')).body.count;
    const req = await h.http.post(`/api/admin/segments/${seg.id}/exports`).set(bearer(token)).send({});
    expect(req.status).toBe(202);
    expect(['queued', 'running', 'done']).toContain(req.body.export.status);
    let view = req.body.export;
    for (let i = 0; i < 100 && view.status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      view = (await h.http.get(`/api/admin/segments/${seg.id}/exports/${view.id}`).set(bearer(token))).body.export;
    }
    expect(view).toMatchObject({ status: 'done', progress: 100, total: count, processed: count });
    const csv = await h.http.get(view.downloadPath).set(bearer(token)).buffer(true).parse((res, cb) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => cb(null, text));
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = (csv.body as string).trim().split('\n');
    expect(lines[0]).toMatch(/^customer_id,phone_masked,/);
    expect(lines).toHaveLength(count + 1);
    const phones = lines.slice(1).map((l) => l.split(',')[1]!).filter(Boolean);
    expect(phones.length).toBeGreaterThan(0);
    for (const p of phones) expect(p).toMatch(PHONE_MASKED);
    expect(csv.body as string).not.toMatch(/1\d{10}/);
    // another segment's path → 404
    expect((await h.http.get(`/api/admin/segments/${seg.id + 1000}/exports/${view.id}`).set(bearer(token))).status).toBe(404);
  });

  it('export: a download before it is done is refused; a lapsed lease is taken over and started afresh', async () => {
    const h = get();
    const rule = { type: 'membership', value: 'member' };
    const seg = (await h.http.post('/api/admin/segments').set(bearer(token)).send({ name: '会员', rule })).body.segment;
    const count = (await preview(h, rule, '?engine=sql')).body.count;
    const past = new Date(h.clock.now().getTime() - 1000);
    // A worker died mid-export: running, lease lapsed, a stale half chunk written.
    const id = await h.deps.db.transaction(async (tx) => {
      const id = await h.deps.db.insertReturningId(tx, SegmentExport, { segmentId: seg.id, status: 'running', rule: JSON.stringify(rule), asOf: h.clock.now(), processed: 7, chunkCount: 1, leaseUntil: past, requestedBy: null });
      await tx.getRepository(SegmentExportChunk).insert({ exportId: id, chunkNo: 0, data: 'stale\n' });
      return id;
    });
    const early = await h.http.get(`/api/admin/segments/${seg.id}/exports/${id}/download`).set(bearer(token));
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('SEGMENT_EXPORT_NOT_READY');
    await runExports(h.ctx);
    const view = (await h.http.get(`/api/admin/segments/${seg.id}/exports/${id}`).set(bearer(token))).body.export;
    expect(view).toMatchObject({ status: 'done', processed: count });
    const text = (await h.http.get(view.downloadPath).set(bearer(token)).buffer(true)).text;
    expect(text).not.toContain('stale');
    expect(text.trim().split('\n')).toHaveLength(count + 1);
  });
});
