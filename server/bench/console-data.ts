/**
 * The console bench's brand (database o2o_bench_console): 1,300 stores in 6 regions, a manager and 3 clerks per
 * store, a store code and a code per clerk with tag schedules and per-code figures (qr_code_stat), 300 tags,
 * 1,000,000 customers (60 % members with an encrypted phone and its blind index, home store Zipf-distributed, 70 %
 * owned by a clerk, ~3 tags each), ~640,000 orders over 400 days by ~40 % of customers (one line each; 3 channels;
 * 5 % refunded in full or in part), 300,000 audit entries and 3,000 alerts. Multi-row INSERTs of 2,000 rows, ids
 * assigned here (layout below), so probes can be named without a query. Generated once: a marker staff row
 * (`marker()`, versioned with the layout and the size) says the data is complete; without it the database is
 * dropped and generated again.
 *
 * Id layout: store s = 1..S; staff (s-1)*4+1 is its manager, +2..+4 its clerks; then the admin and the marketer;
 * qr code s is store s's code, S + (clerk index) a clerk's code. Phone of customer i: 1 3000000000+i (11 digits).
 */
import crypto from 'node:crypto';
import type mysql from 'mysql2/promise';
import type { Deps } from '../src/context';

export const REGIONS = ['华东', '华南', '华北', '华中', '西南', '西北'] as const;
const CITIES: Record<(typeof REGIONS)[number], string[]> = {
  华东: ['上海', '杭州', '南京', '苏州', '宁波', '合肥'],
  华南: ['广州', '深圳', '东莞', '佛山', '厦门', '南宁'],
  华北: ['北京', '天津', '石家庄', '太原', '济南'],
  华中: ['武汉', '长沙', '郑州', '南昌'],
  西南: ['成都', '重庆', '昆明', '贵阳'],
  西北: ['西安', '兰州', '银川'],
};
const DAY = 86_400_000;
export const CLERKS_PER_STORE = 3;
const LAYOUT_VERSION = 1;

export interface ConsoleBenchSize {
  customers: number;
  stores: number;
  tags: number;
  auditRows: number;
  alerts: number;
}

export const marker = (size: ConsoleBenchSize) => `bench.v${LAYOUT_VERSION}.${size.stores}.${size.customers}.${size.auditRows}`;
export const staffIds = (stores: number) => ({ admin: stores * 4 + 1, marketer: stores * 4 + 2 });
export const phoneOf = (customerId: number) => `1${String(3_000_000_000 + customerId)}`;

/** Deterministic PRNG (mulberry32): the same data on every generation, so probes and figures are comparable. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf-ish pick over 1..n (rank 1 most popular). */
function zipf(n: number, s: number, random: () => number) {
  const cum: number[] = [];
  let acc = 0;
  const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = w.reduce((x, y) => x + y, 0);
  for (const x of w) cum.push((acc += x / total));
  return () => {
    const r = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

const sqlTime = (t: number) => new Date(t).toISOString().slice(0, 23).replace('T', ' ');

async function insert(pool: mysql.Pool, table: string, cols: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) await pool.query(`INSERT INTO ${table} (${cols.join(',')}) VALUES ?`, [rows.slice(i, i + 2000)]);
}

/** True when the marker row is there (the data of this layout and size is complete). */
export async function hasData(pool: mysql.Pool, size: ConsoleBenchSize): Promise<boolean> {
  try {
    const [rows] = (await pool.query('SELECT id FROM staff WHERE username = ?', [marker(size)])) as unknown as [{ id: number }[]];
    return rows.length === 1;
  } catch {
    return false;
  }
}

/** Generates everything into a freshly migrated database; the marker row goes in last. */
export async function generate(pool: mysql.Pool, deps: Deps, size: ConsoleBenchSize, now: number, say: (what: string) => void): Promise<void> {
  const random = rng(20_260_101);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const ago = (maxDays: number) => now - Math.floor(random() * maxDays * DAY);
  const S = size.stores;

  // stores, staff, tags, products
  const stores: unknown[][] = [];
  for (let s = 1; s <= S; s++) {
    const region = REGIONS[Math.floor(((s - 1) * REGIONS.length) / S)]!;
    const city = pick(CITIES[region]);
    stores.push([s, `S${String(s).padStart(4, '0')}`, `小食光·${city}${s}号店`, city, region, `${city}市中心路 ${s} 号`, 'active', sqlTime(now - 800 * DAY + s * 60_000)]);
  }
  await insert(pool, 'store', ['id', 'code', 'name', 'city', 'region', 'address', 'status', 'created_at'], stores);
  const staff: unknown[][] = [];
  const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
  const given = '芳娜伟洋静磊敏强丽军燕杰涛明超秀霞平刚桂';
  const person = (i: number) => `${surnames[i % surnames.length]}${given[Math.floor(i / surnames.length) % given.length]}`;
  for (let s = 1; s <= S; s++) {
    staff.push([(s - 1) * 4 + 1, s, 'store_manager', `${person(s)}店长`, 'active', null, 0]);
    for (let k = 2; k <= 4; k++) staff.push([(s - 1) * 4 + k, s, 'clerk', person(s * 4 + k), random() < 0.04 ? 'left' : 'active', null, 0]);
  }
  const { admin, marketer } = staffIds(S);
  staff.push([admin, null, 'admin', 'bench 管理员', 'active', 'bench-admin', 0], [marketer, null, 'marketer', 'bench 营销', 'active', 'bench-marketer', 0]);
  await insert(pool, 'staff', ['id', 'store_id', 'role', 'name', 'status', 'username', 'token_version'], staff);
  await insert(pool, 'tag', ['id', 'name', 'tag_group'], Array.from({ length: size.tags }, (_, i) => [i + 1, `标签${i + 1}`, i < 40 ? 'category' : i < 60 ? 'channel' : 'custom']));
  await insert(pool, 'category', ['id', 'name'], [[1, '坚果'], [2, '肉脯'], [3, '果干']]);
  await insert(pool, 'product', ['id', 'sku', 'name', 'category_id', 'price_fen', 'member_price_fen', 'member_points'], [
    [1, 'NUT-001', '每日坚果 25g', 1, 390, 190, 6],
    [2, 'MEAT-001', '猪肉脯 100g', 2, 1990, 1590, 20],
    [3, 'FRUIT-001', '芒果干 108g', 3, 1290, 990, 10],
  ]);
  say('stores, staff, tags, products');

  // qr codes: a store code per store, a code per clerk; tag schedules (one past, one current, sometimes a future one)
  const codes: unknown[][] = [];
  const codeTags: unknown[][] = [];
  const stats: unknown[][] = [];
  const code = (id: number) => `Q${id.toString(36).padStart(4, '0')}${crypto.createHash('sha1').update(`qr${id}`).digest('hex').slice(0, 8)}`;
  for (let s = 1; s <= S; s++) {
    codes.push([s, code(s), 'store', s, null, 'active', sqlTime(now - 700 * DAY)]);
    for (let k = 2; k <= 4; k++) {
      const staffId = (s - 1) * 4 + k;
      const id = S + (s - 1) * CLERKS_PER_STORE + (k - 1);
      codes.push([id, code(id), 'clerk', s, staffId, 'active', sqlTime(now - 700 * DAY)]);
    }
  }
  for (const [id] of codes as [number][]) {
    codeTags.push([id, 1 + Math.floor(random() * 40), sqlTime(now - 60 * DAY), sqlTime(now - 7 * DAY), admin]);
    codeTags.push([id, 1 + Math.floor(random() * 40), sqlTime(now - 7 * DAY), null, admin]);
    if (random() < 0.3) codeTags.push([id, 1 + Math.floor(random() * 40), sqlTime(now + 7 * DAY), null, admin]);
    const scans = Math.floor(random() * 5000);
    const fans = Math.floor(scans * 0.3);
    const members = Math.floor(fans * 0.5);
    const orders = Math.floor(members * 1.5);
    stats.push([id, scans, fans, members, orders, orders * (1500 + Math.floor(random() * 3000)), Math.floor(random() * 5000)]);
  }
  await insert(pool, 'qr_code', ['id', 'code', 'owner_type', 'store_id', 'staff_id', 'status', 'created_at'], codes);
  await insert(pool, 'qr_code_tag', ['qr_code_id', 'tag_id', 'valid_from', 'valid_to', 'created_by'], codeTags);
  await insert(pool, 'qr_code_stat', ['qr_code_id', 'scans', 'new_fans', 'new_members', 'orders', 'sales_fen', 'refunded_fen'], stats);
  say(`${codes.length} qr codes with schedules and figures`);

  // customers, their tags, clerks and orders
  await pool.query('SET SESSION unique_checks = 0');
  const pickTag = zipf(size.tags, 1.1, random);
  const pickStore = zipf(S, 0.6, random);
  let tagRowId = 0;
  let orderId = 0;
  const channels = ['preorder', 'preorder', 'preorder', 'pos', 'pos', 'clerk'];
  const BATCH = 2000;
  for (let start = 1; start <= size.customers; start += BATCH) {
    const customers: unknown[][] = [];
    const tags: unknown[][] = [];
    const owners: unknown[][] = [];
    const orders: unknown[][] = [];
    const items: unknown[][] = [];
    for (let id = start; id < Math.min(start + BATCH, size.customers + 1); id++) {
      const member = random() < 0.6;
      const phone = `86:${phoneOf(id)}`;
      const storeId = random() < 0.95 ? pickStore() : null;
      const clerkK = 2 + Math.floor(random() * CLERKS_PER_STORE);
      const owned = storeId !== null && random() < 0.7;
      const firstQr = storeId === null ? null : random() < 0.5 ? storeId : S + (storeId - 1) * CLERKS_PER_STORE + (clerkK - 1);
      const created = ago(700);
      const nOrders = member && random() < 0.65 ? 1 + Math.floor(random() * 2.2) : 0;
      let lastPurchase: number | null = null;
      let spend = 0;
      for (let k = 0; k < nOrders; k++) {
        const paid = ago(400);
        const unit = [390, 1990, 1290][k % 3]!;
        const qty = 1 + Math.floor(random() * 5);
        const fen = unit * qty;
        const r = random();
        const status = r < 0.95 ? 'paid' : r < 0.98 ? 'refunded' : 'partially_refunded';
        const refunded = status === 'refunded' ? fen : status === 'partially_refunded' ? Math.floor(fen / 2) : 0;
        lastPurchase = Math.max(lastPurchase ?? 0, paid);
        spend += fen;
        orderId++;
        const channel = pick(channels);
        orders.push([
          orderId,
          `B${orderId.toString(36).padStart(6, '0')}${crypto.randomBytes(5).toString('hex')}`,
          id,
          storeId ?? 1,
          owned || channel === 'clerk' ? (storeId! - 1) * 4 + clerkK : null,
          status,
          `k${orderId}`,
          'x',
          fen,
          fen,
          0,
          0,
          fen,
          0,
          String(1000 + (orderId % 9000)),
          sqlTime(paid + 15 * 60_000),
          sqlTime(paid),
          1,
          refunded,
          channel,
          sqlTime(paid - 30_000),
          1,
        ]);
        items.push([orderId, (k % 3) + 1, ['NUT-001', 'MEAT-001', 'FRUIT-001'][k % 3], ['每日坚果 25g', '猪肉脯 100g', '芒果干 108g'][k % 3], (k % 3) + 1, qty, unit, unit, 0]);
      }
      customers.push([
        id,
        `ob${id}`,
        member ? deps.pii.encrypt(phone) : null,
        member ? deps.pii.blindIndex(phone) : null,
        member ? sqlTime(created + Math.floor(random() * 30) * DAY) : null,
        Math.floor(random() * 6),
        member ? Math.floor(random() * 5000) : 0,
        storeId,
        firstQr,
        sqlTime(created),
        sqlTime(Math.max(created, ago(200))),
        lastPurchase === null ? null : sqlTime(lastPurchase),
        nOrders,
        spend,
        random() < 0.85 ? 1 : 0,
        sqlTime(created),
      ]);
      const nTags = Math.floor(random() * 8);
      const seen = new Set<number>();
      for (let k = 0; k < nTags; k++) {
        const t = pickTag();
        if (seen.has(t)) continue;
        seen.add(t);
        tags.push([++tagRowId, id, t, pick(['qr', 'qr', 'manual', 'campaign']), sqlTime(ago(400)), random() < 0.05 ? sqlTime(now + (random() - 0.5) * 60 * DAY) : null]);
      }
      if (owned) owners.push([id, (storeId! - 1) * 4 + clerkK, storeId, 'first_touch', sqlTime(created), sqlTime(created + 30 * DAY)]);
    }
    await Promise.all([
      insert(
        pool,
        'customer',
        ['id', 'openid', 'phone_enc', 'phone_hash', 'member_since', 'level', 'points_balance', 'store_id', 'first_qr_code_id', 'first_scan_at', 'last_visit_at', 'last_purchase_at', 'order_count', 'total_spend_fen', 'marketing_consent', 'created_at'],
        customers,
      ),
      insert(pool, 'customer_tag', ['id', 'customer_id', 'tag_id', 'source', 'tagged_at', 'expires_at'], tags),
    ]);
    await Promise.all([
      insert(pool, 'customer_clerk', ['customer_id', 'staff_id', 'store_id', 'rule', 'bound_at', 'protected_until'], owners),
      insert(
        pool,
        'orders',
        ['id', 'out_trade_no', 'customer_id', 'store_id', 'clerk_id', 'status', 'idempotency_key', 'request_hash', 'list_fen', 'total_fen', 'coupon_discount_fen', 'points_deduction_fen', 'payable_fen', 'points_used', 'pickup_code', 'expires_at', 'paid_at', 'in_customer_stats', 'refunded_fen', 'channel', 'created_at', 'version'],
        orders,
      ),
      insert(pool, 'order_item', ['order_id', 'product_id', 'sku', 'name', 'category_id', 'quantity', 'unit_price_fen', 'unit_cash_fen', 'unit_points'], items),
    ]);
    if ((start - 1) % 100_000 === 0) say(`${(start - 1 + BATCH).toLocaleString('en')} customers`);
  }
  say(`${size.customers.toLocaleString('en')} customers, ${tagRowId.toLocaleString('en')} tag rows, ${orderId.toLocaleString('en')} orders`);

  // audit log (who changed what, spread over 400 days) and alerts (mostly resolved)
  const actions = [
    ['store.update', 'store'],
    ['staff.create', 'staff'],
    ['staff.leave', 'staff'],
    ['qr_code.schedule_tag', 'qr_code'],
    ['coupon_template.update', 'coupon_template'],
    ['points.adjust', 'customer'],
    ['order.refund', 'order'],
  ] as const;
  for (let start = 0; start < size.auditRows; start += 20_000) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(start + 20_000, size.auditRows); i++) {
      const [action, targetType] = pick(actions);
      const storeId = 1 + Math.floor(random() * S);
      const t = now - Math.floor(((size.auditRows - i) / size.auditRows) * 400 * DAY);
      rows.push([random() < 0.7 ? admin : marketer, random() < 0.7 ? 'bench 管理员' : 'bench 营销', action, targetType, String(1 + Math.floor(random() * 100_000)), storeId, `${action} #${i}`, sqlTime(t)]);
    }
    await insert(pool, 'audit_log', ['actor_staff_id', 'actor_name', 'action', 'target_type', 'target_id', 'store_id', 'summary', 'created_at'], rows);
  }
  const kinds = ['payment_quarantined', 'refund_failed', 'refund_stuck', 'points_unrecovered', 'outbox_dead'];
  await insert(
    pool,
    'alert',
    ['kind', 'ref_type', 'ref_id', 'store_id', 'summary', 'status', 'resolved_by', 'resolved_at', 'resolution', 'created_at'],
    Array.from({ length: size.alerts }, (_, i) => {
      const open = random() < 0.05;
      const t = now - Math.floor(random() * 300 * DAY);
      return [kinds[i % kinds.length], 'order', String(i + 1), 1 + Math.floor(random() * S), `bench alert ${i + 1}`, open ? 'open' : 'resolved', open ? null : admin, open ? null : sqlTime(t + DAY), open ? null : '已处理', sqlTime(t)];
    }),
  );
  say(`${size.auditRows.toLocaleString('en')} audit entries, ${size.alerts.toLocaleString('en')} alerts`);
  await pool.query('ANALYZE TABLE store, staff, qr_code, qr_code_stat, customer, customer_tag, customer_clerk, orders, order_item, audit_log, alert');
  await pool.query('INSERT INTO staff (store_id, role, name, status, username, token_version) VALUES (NULL, ?, ?, ?, ?, 0)', ['marketer', 'bench data marker', 'left', marker(size)]);
  say('marker written');
}
