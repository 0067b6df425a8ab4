import { describeEachDb } from '../../../test/helpers/harness';
import { newOpenid, session } from '../../../test/helpers/flows';
import { makeClerkCode, makeStaff, makeStore, makeStoreCode, makeTag, schedule, setStaffStatusLeft } from '../../../test/helpers/fixtures';
import { CODE_FACTS_TTL_MS, CodeFactsCache, forgetResolvedQrCodes, type CodeFacts } from './qr-code-cache';

const facts = (id: number): CodeFacts => ({ id, storeId: 1, storeName: 's', ownerType: 'store', activeClerkId: null, activeClerkName: null, schedules: [] });

describe('resolved-code cache', () => {
  it('keeps an entry for its time to live only', () => {
    let now = 0;
    const cache = new CodeFactsCache(() => now);
    cache.set('A', facts(1), cache.begin());
    now = CODE_FACTS_TTL_MS - 1;
    expect(cache.get('A')?.id).toBe(1);
    now = CODE_FACTS_TTL_MS;
    expect(cache.get('A')).toBeNull();
  });

  it('an invalidation drops every entry, and a lookup that began before it stores nothing', () => {
    const cache = new CodeFactsCache(() => 0);
    cache.set('A', facts(1), cache.begin());
    const slowReader = cache.begin(); // read the old rows...
    cache.invalidate(); // ...while a schedule change committed
    expect(cache.get('A')).toBeNull();
    cache.set('B', facts(2), slowReader);
    expect(cache.get('B')).toBeNull();
    cache.set('B', facts(2), cache.begin());
    expect(cache.get('B')?.id).toBe(2);
  });
});

const tagsOf = (h: any, customerId: number) =>
  h.deps.db.read(async (em: any) => (await em.query('SELECT tag_id FROM customer_tag WHERE customer_id = ? ORDER BY tag_id', [customerId])).map((r: any) => Number(r.tag_id)));

describeEachDb('scans through a cached code', (get) => {
  it('a schedule added after the code was scanned applies to the very next scan', async () => {
    const h = get();
    const store = await makeStore(h);
    const qr = await makeStoreCode(h, store.id);
    const first = await makeTag(h);
    const second = await makeTag(h);
    await schedule(h, qr.id, first.id, new Date(h.clock.now().getTime() - 1));
    const before = await session(h, newOpenid(), qr.sceneEncoded);
    expect(await tagsOf(h, before.customer.id)).toEqual([first.id]);

    await schedule(h, qr.id, second.id, new Date(h.clock.now().getTime() - 1));
    const after = await session(h, newOpenid(), qr.sceneEncoded);
    expect(await tagsOf(h, after.customer.id)).toEqual([first.id, second.id].sort((a, b) => a - b));
  });

  it('tags in force are decided at each scan instant, not when the code was cached', async () => {
    const h = get();
    const store = await makeStore(h);
    const qr = await makeStoreCode(h, store.id);
    const tag = await makeTag(h);
    const from = new Date(h.clock.now().getTime() + 60_000);
    await schedule(h, qr.id, tag.id, from);
    const early = await session(h, newOpenid(), qr.sceneEncoded);
    expect(await tagsOf(h, early.customer.id)).toEqual([]);
    h.clock.set(from.getTime());
    const onTime = await session(h, newOpenid(), qr.sceneEncoded);
    expect(await tagsOf(h, onTime.customer.id)).toEqual([tag.id]);
  });

  it('a clerk who left no longer binds through their cached code once resolved codes are forgotten', async () => {
    const h = get();
    const store = await makeStore(h);
    const { staff } = await makeStaff(h, 'clerk', store.id);
    const qr = await makeClerkCode(h, store.id, staff.id);
    expect((await session(h, newOpenid(), qr.sceneEncoded)).customer.clerk).toEqual({ id: staff.id, name: staff.name });

    await setStaffStatusLeft(h, staff.id);
    forgetResolvedQrCodes(h.deps.db); // as a clerk's leaving must, after its commit
    const after = await session(h, newOpenid(), qr.sceneEncoded);
    expect(after.customer.clerk).toBeUndefined();
    expect(after.customer.store).toEqual({ id: store.id, name: store.name });
  });
});
