import { Store } from '../../src/modules/store/store.entity';
import { createStore } from '../../src/modules/store/store.service';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, newOpenid, openApp, session } from '../helpers/flows';
import { makeClerkCode, makeStaff, makeStore, makeStoreCode } from '../helpers/fixtures';

/** People's Square, Shanghai (WGS-84). */
const HERE = { lat: 31.2304, lng: 121.4737 };
/** Metres per degree of latitude on the haversine sphere (mean Earth radius): a store due north is exactly this far. */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

describeEachDb('the consumer’s ordering store: nearby stores, the store switcher, and scans', (get) => {
  let seq = 0;
  const place = async (h: Harness, name: string, at: { lat: number; lng: number } | null, extra: { city?: string; status?: 'closed' } = {}) => {
    const s = await createStore(h.ctx, { name: `${name}${++seq}`, city: extra.city });
    await h.deps.db.transaction((tx) => tx.getRepository(Store).update({ id: s.id }, { latitude: at?.lat ?? null, longitude: at?.lng ?? null, status: extra.status ?? 'active' }));
    return s;
  };
  const north = (km: number) => ({ lat: HERE.lat + (km * 1000) / M_PER_DEG, lng: HERE.lng });
  const stores = (h: Harness, token: string, near?: string) => h.http.get('/api/app/stores').query(near === undefined ? {} : { near }).set(bearer(token));
  const setStore = (h: Harness, token: string, body: object) => h.http.put('/api/app/me/store').set(bearer(token)).send(body);
  const me = async (h: Harness, token: string) => (await h.http.get('/api/app/me').set(bearer(token))).body.customer;

  it('lists active stores nearest first with their distance in metres, within the radius; far away → the plain list', async () => {
    const h = get();
    const two = await place(h, '两公里', north(2));
    const one = await place(h, '一公里', north(1));
    const east = await place(h, '东边', { lat: HERE.lat, lng: HERE.lng + 0.05 }); // ≈ 4.75 km east
    const twenty = await place(h, '二十公里', north(20));
    const beijing = await place(h, '北京', { lat: 39.9042, lng: 116.4074 });
    const closed = await place(h, '已关', north(0.5), { status: 'closed' });
    const unknown = await place(h, '无坐标', null);
    const { token } = await session(h, newOpenid());

    const res = await stores(h, token, `${HERE.lat},${HERE.lng}`);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((s: { id: number }) => s.id);
    expect(ids).toEqual([one.id, two.id, east.id, twenty.id]);
    expect(ids).not.toContain(beijing.id);
    expect(ids).not.toContain(closed.id);
    expect(ids).not.toContain(unknown.id);
    const [d1, d2, dEast, d20] = res.body.items.map((s: { distanceM: number }) => s.distanceM);
    expect(Math.abs(d1 - 1000)).toBeLessThanOrEqual(1);
    expect(Math.abs(d2 - 2000)).toBeLessThanOrEqual(1);
    expect(Math.abs(d20 - 20_000)).toBeLessThanOrEqual(1);
    // 0.05° of longitude at 31.23° N ≈ 4,755 m
    expect(dEast).toBeGreaterThan(4_700);
    expect(dEast).toBeLessThan(4_800);
    expect(res.body.items[0]).toEqual({ id: one.id, name: one.name, city: null, address: null, distanceM: d1 });

    // in Beijing: only the Beijing store is near
    const bj = await stores(h, token, '39.9,116.4');
    expect(bj.body.items.map((s: { id: number }) => s.id)).toEqual([beijing.id]);
    // in the middle of nowhere: every active store, distance where known
    const far = await stores(h, token, '10,10');
    const farIds = far.body.items.map((s: { id: number }) => s.id);
    expect(farIds).toEqual(expect.arrayContaining([one.id, two.id, beijing.id, unknown.id]));
    expect(farIds).not.toContain(closed.id);
    expect(far.body.items.find((s: { id: number }) => s.id === unknown.id).distanceM).toBeNull();
    expect(far.body.items.find((s: { id: number }) => s.id === beijing.id).distanceM).toBeGreaterThan(1_000_000);

    for (const bad of ['91,10', '10,181', 'abc', '31.2', '']) {
      const r = await stores(h, token, bad);
      expect({ bad, status: r.status, code: r.body.code }).toEqual({ bad, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await h.http.get('/api/app/stores')).status).toBe(401);
  });

  it('without a location: active stores by city (unknown last), then name', async () => {
    const h = get();
    const { token } = await session(h, newOpenid());
    const z = await place(h, 'Z店', null, { city: 'AAA城' });
    const a = await place(h, 'A店', null, { city: 'AAA城' });
    const b = await place(h, 'B店', null, { city: 'BBB城' });
    const none = await place(h, '0店', null);
    const res = await stores(h, token);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((s: { id: number }) => s.id);
    const pos = (id: number) => ids.indexOf(id);
    expect([a, z, b, none].map((s) => pos(s.id)).every((p) => p >= 0)).toBe(true);
    expect(pos(a.id)).toBeLessThan(pos(z.id));
    expect(pos(z.id)).toBeLessThan(pos(b.id));
    expect(pos(b.id)).toBeLessThan(pos(none.id));
    expect(res.body.items.every((s: { distanceM: number | null }) => s.distanceM === null)).toBe(true);
  });

  it('PUT /me/store sets the ordering store (an active one); the view falls back to the home store', async () => {
    const h = get();
    const home = await makeStore(h);
    const code = await makeStoreCode(h, home.id);
    const s = await session(h, newOpenid(), code.sceneEncoded);
    expect(s.customer.orderingStore).toEqual({ id: home.id, name: home.name });
    const other = await place(h, '新店', null);

    const set = await setStore(h, s.token, { storeId: other.id });
    expect(set.status).toBe(200);
    expect(set.body.customer.orderingStore).toEqual({ id: other.id, name: other.name });
    expect(set.body.customer.store).toEqual({ id: home.id, name: home.name });
    expect((await me(h, s.token)).orderingStore).toEqual({ id: other.id, name: other.name });
    // choosing the same store again is fine
    expect((await setStore(h, s.token, { storeId: other.id })).status).toBe(200);

    const closed = await place(h, '关店', null, { status: 'closed' });
    const refused = await setStore(h, s.token, { storeId: closed.id });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'STORE_INACTIVE' });
    const missing = await setStore(h, s.token, { storeId: 99_999_999 });
    expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    for (const body of [{}, { storeId: 'x' }, { storeId: other.id, extra: 1 }]) expect((await setStore(h, s.token, body)).status).toBe(400);
    expect((await me(h, s.token)).orderingStore).toEqual({ id: other.id, name: other.name });

    // the chosen store closes: the app falls back to the home store
    await h.deps.db.transaction((tx) => tx.getRepository(Store).update({ id: other.id }, { status: 'closed' }));
    expect((await me(h, s.token)).orderingStore).toEqual({ id: home.id, name: home.name });
    // a fan who never scanned has no store yet
    expect((await session(h, newOpenid())).customer).toMatchObject({ orderingStore: null });
    const plain = await session(h, newOpenid());
    expect((await me(h, plain.token)).orderingStore).toBeNull();
  });

  it("a returning customer scanning another store's or clerk's code orders from that store; a repeat open of the same code does not undo a choice", async () => {
    const h = get();
    const [a, b, c, d] = [await makeStore(h), await makeStore(h), await makeStore(h), await makeStore(h)];
    const codeA = await makeStoreCode(h, a.id);
    const codeB = await makeStoreCode(h, b.id);
    const clerkD = (await makeStaff(h, 'clerk', d.id)).staff;
    const codeD = await makeClerkCode(h, d.id, clerkD.id);
    const openid = newOpenid();
    const first = await session(h, openid, codeA.sceneEncoded);
    expect(first.customer.orderingStore).toEqual({ id: a.id, name: a.name });

    h.clock.advance(24 * 3_600_000);
    const res = await openApp(h, openid, codeB.sceneEncoded);
    expect(res.status).toBe(200);
    expect(res.body.customer.orderingStore).toEqual({ id: b.id, name: b.name });
    // the home store (attribution) is not the ordering store: it stays the first scan's
    expect(res.body.customer.store).toEqual({ id: a.id, name: a.name });
    expect((await me(h, res.body.token)).orderingStore).toEqual({ id: b.id, name: b.name });

    // chosen in the app, then the app reopened from the same code within the visit window: the choice stands
    expect((await setStore(h, res.body.token, { storeId: c.id })).status).toBe(200);
    h.clock.advance(60_000);
    expect((await openApp(h, openid, codeB.sceneEncoded)).body.customer.orderingStore).toEqual({ id: c.id, name: c.name });
    // a real new visit (after the window) to B's code moves it back
    h.clock.advance(h.config.rules.scanVisitWindowMinutes * 60_000);
    expect((await openApp(h, openid, codeB.sceneEncoded)).body.customer.orderingStore).toEqual({ id: b.id, name: b.name });
    // a plain open (no code) changes nothing
    expect((await openApp(h, openid)).body.customer.orderingStore).toEqual({ id: b.id, name: b.name });
    // a clerk's card counts as that clerk's store
    h.clock.advance(60_000);
    expect((await openApp(h, openid, codeD.sceneEncoded)).body.customer.orderingStore).toEqual({ id: d.id, name: d.name });
  });
});
