import { RoaringBitmap32 } from 'roaring';
import { In, type EntityManager } from 'typeorm';
import { ORDER_WINDOWS, shanghaiDay, shanghaiDayStart, type SegmentRule } from '@o2o/shared';
import { Customer } from '../customer/customer.entity';
import { CustomerClerk } from '../customer/customer-clerk.entity';
import { Order } from '../payment/order.entity';
import { CustomerTag } from '../tag/customer-tag.entity';
import { NumericBands } from './bands';
import { evaluateRule } from './bitmap-eval';
import { COUNTED_ORDER_STATUSES } from './sql-engine';

const PAGE = 20_000;

/** Raw datetimes: mysql2 gives Date (UTC session), better-sqlite3 'YYYY-MM-DD HH:MM:SS.SSS' in UTC. */
export function msOf(v: Date | string | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  return Date.parse(`${v.replace(' ', 'T')}Z`);
}
const dayOf = (v: Date | string | null | undefined) => {
  const ms = msOf(v);
  return ms === null ? null : shanghaiDay(ms);
};

type Windowed = Record<(typeof ORDER_WINDOWS)[number], NumericBands>;

interface CustomerRow {
  id: number;
  storeId: number | null;
  level: number;
  pointsBalance: number;
  memberSince: Date | string | null;
  lastVisitAt: Date | string | null;
  lastPurchaseAt: Date | string | null;
  marketingConsent: number | boolean;
}

/**
 * The in-memory segment index of one process for one Shanghai day (`asOfDay`): roaring bitmaps per tag, home
 * store, owning clerk, member and consent, and NumericBands for the numeric predicates. It answers exactly what
 * sql-engine.ts answers for any `now` on that day (the property test holds them equal); windowed order stats
 * belong to the day, so on another day the index is not used until rebuilt.
 *
 * Built by `build` in keyset pages (never one huge result), kept current by `refreshCustomers`/`refreshTagPairs`,
 * which re-read the database rows of the customers an event names and overwrite their entries: applying an
 * event twice, late or out of order leaves the index equal to the database.
 */
export class BitmapIndex {
  readonly all = new RoaringBitmap32();
  readonly members = new RoaringBitmap32();
  readonly consent = new RoaringBitmap32();
  readonly tags = new Map<number, RoaringBitmap32>();
  /** Per tag, the rows that expire: customer → expiresAt (ms). Subtracted at query time once past. */
  readonly tagExpiry = new Map<number, TagExpiry>();
  readonly stores = new Map<number, RoaringBitmap32>();
  readonly clerks = new Map<number, RoaringBitmap32>();
  /** Current home store / owning clerk per customer id (0 = none), to move a customer between bitmaps. */
  readonly storeOf = new IdColumn();
  readonly clerkOf = new IdColumn();
  readonly level: NumericBands;
  readonly points: NumericBands;
  readonly lastPurchaseDay: NumericBands;
  readonly lastVisitDay: NumericBands;
  readonly memberDay: NumericBands;
  readonly orderCount: Windowed;
  readonly spend: Windowed;

  private constructor(
    readonly asOfDay: number,
    capacity: number,
  ) {
    const ints = () => new NumericBands(false, capacity);
    this.level = ints();
    this.points = ints();
    this.lastPurchaseDay = ints();
    this.lastVisitDay = ints();
    this.memberDay = ints();
    this.orderCount = Object.fromEntries(ORDER_WINDOWS.map((w) => [w, ints()])) as Windowed;
    this.spend = Object.fromEntries(ORDER_WINDOWS.map((w) => [w, new NumericBands(true, capacity)])) as Windowed;
  }

  private numeric(): NumericBands[] {
    return [this.level, this.points, this.lastPurchaseDay, this.lastVisitDay, this.memberDay, ...Object.values(this.orderCount), ...Object.values(this.spend)];
  }

  /** Reads the whole database in pages and returns a sealed index for the Shanghai day of `now`. */
  static async build(em: EntityManager, now: Date): Promise<BitmapIndex> {
    const maxRow = await em.createQueryBuilder().select('MAX(c.id)', 'm').from(Customer, 'c').getRawOne<{ m: number | null }>();
    const index = new BitmapIndex(shanghaiDay(now), Number(maxRow?.m ?? 0) + 1);
    // Customers, owners and tags are independent reads: on MySQL they run side by side on pooled connections.
    const loadCustomers = async () => {
      for (let after = 0; ; ) {
        const rows = await customerRows(em, (qb) => qb.where('c.id > :after', { after }).orderBy('c.id', 'ASC').limit(PAGE));
        const ids: number[] = [];
        for (const r of rows) {
          index.loadCustomer(r);
          ids.push(r.id);
        }
        index.all.addMany(ids);
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
    };
    const owned: number[] = [];
    const loadOwners = async () => {
      for (let after = 0; ; ) {
        const rows = await em
          .createQueryBuilder()
          .select(['cc.customer_id AS customerId', 'cc.staff_id AS staffId'])
          .from(CustomerClerk, 'cc')
          .where('cc.customer_id > :after', { after })
          .orderBy('cc.customer_id', 'ASC')
          .limit(PAGE)
          .getRawMany<{ customerId: number; staffId: number }>();
        for (const r of rows) {
          const id = Number(r.customerId);
          index.clerkOf.set(id, Number(r.staffId));
          owned.push(id);
        }
        if (rows.length < PAGE) break;
        after = Number(rows[rows.length - 1]!.customerId);
      }
    };
    // Tag rows by tag, collected as id lists per tag (one bitmap construction per tag, not an add per row).
    const tagLists = new Map<number, number[]>();
    const loadTags = async () => {
      for (let after = 0; ; ) {
        const rows = await em
          .createQueryBuilder()
          .select(['ct.id AS id', 'ct.customer_id AS customerId', 'ct.tag_id AS tagId', 'ct.expires_at AS expiresAt'])
          .from(CustomerTag, 'ct')
          .where('ct.id > :after', { after })
          .orderBy('ct.id', 'ASC')
          .limit(PAGE * 5)
          .getRawMany<{ id: number; customerId: number; tagId: number; expiresAt: Date | string | null }>();
        for (const r of rows) {
          const tagId = Number(r.tagId);
          const customerId = Number(r.customerId);
          let list = tagLists.get(tagId);
          if (!list) tagLists.set(tagId, (list = []));
          list.push(customerId);
          if (r.expiresAt !== null) index.expiryOf(tagId).set(customerId, msOf(r.expiresAt)!);
        }
        if (rows.length < PAGE * 5) break;
        after = Number(rows[rows.length - 1]!.id);
      }
    };
    await Promise.all([loadCustomers(), loadOwners(), loadTags()]);
    index.groupBitmaps(index.all.toUint32Array(), owned);
    for (const [tagId, list] of tagLists) index.tags.set(tagId, new RoaringBitmap32(list));
    await index.loadOrders(em, null);
    const ids = index.all.toUint32Array();
    for (const bands of index.numeric()) bands.seal(ids);
    return index;
  }

  private loadCustomer(r: CustomerRow): void {
    const id = r.id;
    this.level.load(id, Number(r.level));
    this.points.load(id, Number(r.pointsBalance));
    this.lastPurchaseDay.load(id, dayOf(r.lastPurchaseAt));
    this.lastVisitDay.load(id, dayOf(r.lastVisitAt));
    this.memberDay.load(id, dayOf(r.memberSince));
    for (const w of ORDER_WINDOWS) {
      this.orderCount[w].load(id, 0);
      this.spend[w].load(id, 0);
    }
    if (r.memberSince !== null) this.members.add(id);
    if (r.marketingConsent === true || Number(r.marketingConsent) === 1) this.consent.add(id);
    if (r.storeId !== null) this.storeOf.set(id, Number(r.storeId));
  }

  /** After the bulk load: one bitmap per store and per clerk from the columns (not an add per customer). */
  private groupBitmaps(ids: Uint32Array, owned: number[]): void {
    const group = (col: IdColumn, list: ArrayLike<number>, into: Map<number, RoaringBitmap32>) => {
      const lists = new Map<number, number[]>();
      for (let i = 0; i < list.length; i++) {
        const id = list[i]!;
        const k = col.get(id);
        if (k === 0) continue;
        let l = lists.get(k);
        if (!l) lists.set(k, (l = []));
        l.push(id);
      }
      for (const [k, l] of lists) into.set(k, new RoaringBitmap32(l));
    };
    group(this.storeOf, ids, this.stores);
    group(this.clerkOf, owned, this.clerks);
  }

  /** Adds the counted orders of the last 365 days (all customers, or `only`) to the windowed loads. */
  private async loadOrders(em: EntityManager, only: number[] | null): Promise<Map<number, { count: number[]; spend: number[] }>> {
    const since = shanghaiDayStart(this.asOfDay - 365 + 1);
    const firstDay = ORDER_WINDOWS.map((w) => this.asOfDay - w + 1);
    const sums = new Map<number, { count: number[]; spend: number[] }>();
    for (let after = 0; ; ) {
      const qb = em
        .createQueryBuilder()
        .select(['o.id AS id', 'o.customer_id AS customerId', 'o.paid_at AS paidAt', 'o.payable_fen AS payableFen', 'o.refunded_fen AS refundedFen'])
        .from(Order, 'o')
        .where('o.id > :after', { after })
        .andWhere('o.in_customer_stats = :yes AND o.status IN (:...st) AND o.paid_at >= :since', { yes: 1, st: COUNTED_ORDER_STATUSES, since });
      if (only) qb.andWhere({ customerId: In(only) });
      const rows = await qb.orderBy('o.id', 'ASC').limit(PAGE).getRawMany<{ id: number; customerId: number; paidAt: Date | string; payableFen: number; refundedFen: number }>();
      for (const r of rows) {
        const c = Number(r.customerId);
        const day = dayOf(r.paidAt)!;
        const net = Number(r.payableFen) - Number(r.refundedFen);
        let s = sums.get(c);
        if (!s) sums.set(c, (s = { count: ORDER_WINDOWS.map(() => 0), spend: ORDER_WINDOWS.map(() => 0) }));
        for (let i = 0; i < ORDER_WINDOWS.length; i++)
          if (day >= firstDay[i]!) {
            s.count[i]!++;
            s.spend[i]! += net;
          }
      }
      if (rows.length < PAGE) break;
      after = Number(rows[rows.length - 1]!.id);
    }
    if (!only)
      for (const [c, s] of sums)
        ORDER_WINDOWS.forEach((w, i) => {
          this.orderCount[w].add(c, s.count[i]!);
          this.spend[w].add(c, s.spend[i]!);
        });
    return sums;
  }

  private expiryOf(tagId: number): TagExpiry {
    let m = this.tagExpiry.get(tagId);
    if (!m) this.tagExpiry.set(tagId, (m = new TagExpiry()));
    return m;
  }

  private setStore(id: number, storeId: number | null): void {
    const old = this.storeOf.get(id);
    const next = storeId ?? 0;
    if (old === next) return;
    if (old !== 0) this.stores.get(old)?.remove(id);
    this.storeOf.set(id, next);
    if (next === 0) return;
    let b = this.stores.get(next);
    if (!b) this.stores.set(next, (b = new RoaringBitmap32()));
    b.add(id);
  }

  private setClerk(id: number, staffId: number | null): void {
    const old = this.clerkOf.get(id);
    const next = staffId ?? 0;
    if (old === next) return;
    if (old !== 0) this.clerks.get(old)?.remove(id);
    this.clerkOf.set(id, next);
    if (next === 0) return;
    let b = this.clerks.get(next);
    if (!b) this.clerks.set(next, (b = new RoaringBitmap32()));
    b.add(id);
  }

  private setTag(id: number, tagId: number, present: boolean, expiresAt: number | null): void {
    let b = this.tags.get(tagId);
    if (present) {
      if (!b) this.tags.set(tagId, (b = new RoaringBitmap32()));
      b.add(id);
      if (expiresAt !== null) this.expiryOf(tagId).set(id, expiresAt);
      else this.tagExpiry.get(tagId)?.delete(id);
    } else {
      b?.remove(id);
      this.tagExpiry.get(tagId)?.delete(id);
    }
  }

  /**
   * Re-reads everything but tags for these customers (row, owning clerk, windowed orders) and overwrites
   * their entries; a customer no longer in the database leaves the index. Idempotent.
   */
  async refreshCustomers(em: EntityManager, ids: number[]): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const rows = await customerRows(em, (qb) => qb.where({ id: In(unique) }));
    const clerks = await em.getRepository(CustomerClerk).find({ where: { customerId: In(unique) }, select: { customerId: true, staffId: true } });
    const sums = await this.loadOrders(em, unique);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const clerkOf = new Map(clerks.map((c) => [c.customerId, c.staffId]));
    for (const id of unique) {
      const r = byId.get(id);
      if (!r) {
        this.all.remove(id);
        this.members.remove(id);
        this.consent.remove(id);
        this.setStore(id, null);
        this.setClerk(id, null);
        for (const b of this.numeric()) b.forget(id);
        continue;
      }
      this.all.add(id);
      this.level.set(id, Number(r.level));
      this.points.set(id, Number(r.pointsBalance));
      this.lastPurchaseDay.set(id, dayOf(r.lastPurchaseAt));
      this.lastVisitDay.set(id, dayOf(r.lastVisitAt));
      this.memberDay.set(id, dayOf(r.memberSince));
      if (r.memberSince !== null) this.members.add(id);
      else this.members.remove(id);
      if (r.marketingConsent === true || Number(r.marketingConsent) === 1) this.consent.add(id);
      else this.consent.remove(id);
      this.setStore(id, r.storeId === null ? null : Number(r.storeId));
      this.setClerk(id, clerkOf.get(id) ?? null);
      const s = sums.get(id);
      ORDER_WINDOWS.forEach((w, i) => {
        this.orderCount[w].set(id, s ? s.count[i]! : 0);
        this.spend[w].set(id, s ? s.spend[i]! : 0);
      });
    }
  }

  /** Re-reads the customer_tag rows of these (customer × tag) pairs and sets each pair as the database has it. */
  async refreshTagPairs(em: EntityManager, customerIds: number[], tagIds: number[]): Promise<void> {
    const cs = [...new Set(customerIds)];
    const ts = [...new Set(tagIds)];
    if (cs.length === 0 || ts.length === 0) return;
    // A customer the index has not seen yet (its own event still queued) comes in whole, so sets stay within `all`.
    const unseen = cs.filter((c) => !this.all.has(c));
    if (unseen.length) await this.refreshCustomers(em, unseen);
    const rows = await em
      .createQueryBuilder()
      .select(['ct.customer_id AS customerId', 'ct.tag_id AS tagId', 'ct.expires_at AS expiresAt'])
      .from(CustomerTag, 'ct')
      .where({ customerId: In(cs), tagId: In(ts) })
      .getRawMany<{ customerId: number; tagId: number; expiresAt: Date | string | null }>();
    const found = new Map(rows.map((r) => [`${Number(r.customerId)}:${Number(r.tagId)}`, msOf(r.expiresAt)]));
    for (const c of cs)
      for (const t of ts) {
        const key = `${c}:${t}`;
        this.setTag(c, t, found.has(key), found.get(key) ?? null);
      }
  }

  /** The customers matching `rule` at `now` (which must fall on `asOfDay`). A fresh bitmap the caller owns. */
  evaluate(rule: SegmentRule, now: Date): RoaringBitmap32 {
    const today = shanghaiDay(now);
    if (today !== this.asOfDay) throw new Error(`segment index is for day ${this.asOfDay}, asked for ${today}`);
    return evaluateRule(this, rule, now.getTime(), today);
  }

  /** Approximate memory (bytes): bitmaps (serialized size) plus the value columns. */
  memoryBytes(): number {
    let n = this.storeOf.bytes() + this.clerkOf.bytes();
    for (const b of this.numeric()) n += b.bytes();
    for (const m of this.tagExpiry.values()) n += m.times.size * 40 + m.ids.getSerializationSizeInBytes('portable');
    const count = (b: RoaringBitmap32) => (n += b.getSerializationSizeInBytes('portable'));
    [this.all, this.members, this.consent].forEach(count);
    for (const m of [this.tags, this.stores, this.clerks]) for (const b of m.values()) count(b);
    return n;
  }
}

/** The rows of one tag that carry an expiry: who (a bitmap, to intersect natively) and when (ms). */
export class TagExpiry {
  readonly times = new Map<number, number>();
  readonly ids = new RoaringBitmap32();
  set(id: number, at: number): void {
    this.times.set(id, at);
    this.ids.add(id);
  }
  delete(id: number): void {
    if (this.times.delete(id)) this.ids.remove(id);
  }
}

/** A growable Int32 column by customer id (0 = none): ids are dense auto-increment integers. */
export class IdColumn {
  private v = new Int32Array(1024);
  get(id: number): number {
    return id < this.v.length ? this.v[id]! : 0;
  }
  set(id: number, value: number): void {
    if (id >= this.v.length) {
      let n = this.v.length;
      while (n <= id) n *= 2;
      const next = new Int32Array(n);
      next.set(this.v);
      this.v = next;
    }
    this.v[id] = value;
  }
  bytes(): number {
    return this.v.byteLength;
  }
}

function customerRows(em: EntityManager, where: (qb: ReturnType<EntityManager['createQueryBuilder']>) => unknown): Promise<CustomerRow[]> {
  const qb = em
    .createQueryBuilder()
    .select([
      'c.id AS id',
      'c.store_id AS storeId',
      'c.level AS level',
      'c.points_balance AS pointsBalance',
      'c.member_since AS memberSince',
      'c.last_visit_at AS lastVisitAt',
      'c.last_purchase_at AS lastPurchaseAt',
      'c.marketing_consent AS marketingConsent',
    ])
    .from(Customer, 'c');
  where(qb);
  return qb.getRawMany<CustomerRow>().then((rows) => rows.map((r) => ({ ...r, id: Number(r.id) })));
}
