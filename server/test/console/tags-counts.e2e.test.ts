import { describeEachDb, type Harness } from '../helpers/harness';
import { recomputeCustomerTags } from '../../src/modules/tag/recompute.service';
import { ensureRuleTags } from '../../src/modules/tag/rule-tags';
import { tagCustomer } from '../../src/modules/tag/tag.service';
import { TAG_COUNT_MIN_MS, TAG_COUNT_TTL_MS } from '../../src/modules/tag/tag-counts';
import { insertCustomers, insertPaidOrder, makeCategory, refundOrder } from '../tag/helpers';
import { consoleTokens, getAs } from './customer-fixtures';

jest.setTimeout(120_000);

/**
 * The tag list's counts after changes made by other paths than the console's own bulk tagging (here: the
 * order.paid / order.refunded recompute, as the outbox handler runs it). The harness has no segment index, so
 * these are the SQL counts and their cache.
 */
describeEachDb('console tags: counts follow purchase-preference changes (SQL path); rule tags in their words', (get) => {
  const countOf = async (h: Harness, token: string, tagId: number) => {
    const res = await getAs(h, token, '/api/admin/tags?group=category');
    expect(res.status).toBe(200);
    expect(res.body.countSource).toBe('sql');
    return { n: res.body.items.find((t: any) => t.id === tagId)?.customerCount as number, at: res.body.countedAt as string };
  };
  const detailTags = async (h: Harness, token: string, customerId: number) =>
    ((await getAs(h, token, `/api/admin/customers/${customerId}/detail`)).body.customer.tags as any[]).map((t) => `${t.tagId}:${t.source}`).sort();

  it('a paid order adds its categories, a full refund of the only order removes them (purchase rows only; a qr tag of a category stays); the list counts each change at once', async () => {
    const h = get();
    const { adminToken } = await consoleTokens(h);
    const nuts = await makeCategory(h);
    const meat = await makeCategory(h);
    const [id] = await insertCustomers(h, 1);
    // the customer scanned a poster that put the meat category's tag on (source qr)
    await h.deps.db.transaction((tx) => tagCustomer(tx, id!, [meat.tagId], { source: 'qr', sourceRef: '1', at: h.clock.now() }));
    expect((await countOf(h, adminToken, nuts.tagId)).n).toBe(0); // counted and kept
    const first = await countOf(h, adminToken, meat.tagId);
    expect(first.n).toBe(1);

    const orderId = await insertPaidOrder(h, id!, [{ categoryId: nuts.id, cashFen: 4980 }, { categoryId: meat.id, cashFen: 1590 }], h.clock.now());
    await recomputeCustomerTags(h.ctx, id!);
    h.clock.advance(TAG_COUNT_MIN_MS);
    expect(await detailTags(h, adminToken, id!)).toEqual(expect.arrayContaining([`${nuts.tagId}:purchase`, `${meat.tagId}:qr`]));
    expect((await countOf(h, adminToken, nuts.tagId)).n).toBe(1); // not the 0 counted before the payment

    await refundOrder(h, orderId, 6570, true);
    await recomputeCustomerTags(h.ctx, id!);
    h.clock.advance(TAG_COUNT_MIN_MS);
    const tags = await detailTags(h, adminToken, id!);
    expect(tags).not.toContain(`${nuts.tagId}:purchase`); // the preference came only from the refunded order
    expect(tags).toContain(`${meat.tagId}:qr`); // the recompute never takes off a scan's tag
    expect((await countOf(h, adminToken, nuts.tagId)).n).toBe(0);
    expect((await countOf(h, adminToken, meat.tagId)).n).toBe(1);
  });

  it('without any change the count is reused (same countedAt) until its TTL, then counted again', async () => {
    const h = get();
    const { adminToken } = await consoleTokens(h);
    const cat = await makeCategory(h);
    h.clock.advance(TAG_COUNT_TTL_MS); // whatever the previous test cached is out of date
    const a = await countOf(h, adminToken, cat.tagId);
    h.clock.advance(TAG_COUNT_MIN_MS + 1);
    const b = await countOf(h, adminToken, cat.tagId);
    expect(b.at).toBe(a.at);
    h.clock.advance(TAG_COUNT_TTL_MS);
    const c = await countOf(h, adminToken, cat.tagId);
    expect(c.at).not.toBe(a.at);
  });

  it('lists rule tags in their order and finds them by the words the console shows (活跃 → active), as well as by name', async () => {
    const h = get();
    const { adminToken } = await consoleTokens(h);
    await ensureRuleTags(h.deps.db);
    const names = async (query: string) => ((await getAs(h, adminToken, `/api/admin/tags?${query}`)).body.items as any[]).map((t) => t.name);
    expect(await names('group=lifecycle')).toEqual(['new', 'active', 'dormant', 'lost']);
    expect(await names('group=rfm')).toEqual(['R5', 'R4', 'R3', 'R2', 'R1', 'F5', 'F4', 'F3', 'F2', 'F1', 'M5', 'M4', 'M3', 'M2', 'M1']);
    expect(await names(`q=${encodeURIComponent('活跃')}`)).toEqual(['active']);
    expect(await names(`q=${encodeURIComponent('最近购买')}`)).toEqual(['R5', 'R4', 'R3', 'R2', 'R1']);
    expect(await names('q=R5')).toEqual(['R5']);
    expect(await names(`q=${encodeURIComponent('消费金额 · 很高')}&group=rfm`)).toEqual(['M5']);
    expect(await names(`q=${encodeURIComponent('活跃')}&group=rfm`)).toEqual([]); // the group filter still applies
  });
});
