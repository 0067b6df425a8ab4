import type { EntityManager } from 'typeorm';
import { backgroundCtx, type Ctx, type Deps } from '../../context';
import type { Db } from '../../db/db';
import type { DeliveredEvent, EventMap, EventType } from '../../events/event-types';
import { HandledEvent } from '../../events/handled-event.entity';
import type { OutboxWorker } from '../../events/outbox-worker';
import { QrCodeStat } from './qr-code-stat.entity';

/**
 * Per-code figures (`qr_code_stat`), kept current from outbox events so the list never counts scans or orders:
 *  - `customer.scanned` (one per recorded visit): scans + 1, and new fans + 1 when the scan created the fan;
 *  - `customer.became_member`: new members + 1 on the customer's acquisition code (`customer.first_qr_code_id`,
 *    written with the new fan's row by the scan that created it);
 *  - `order.paid`: orders + 1 and sales + payableFen on the buyer's acquisition code;
 *  - `order.refunded`: refunded + amountFen, for orders counted in sales (`in_customer_stats`: a late payment
 *    refunded automatically was never a sale).
 * Exactly once per event: a pass's events are applied in ONE transaction that also inserts (consumer, event id)
 * into `handled_event`; events already there are skipped, and a concurrent second delivery collides on that primary
 * key and rolls back whole (the outbox retries it, then skips it). Increments are upserts in qr_code_id order.
 * The same definitions, computed from the tables, are `rebuildQrCodeStats` (so rebuild = incremental).
 */
export const QR_STATS_CONSUMER = 'qr-stats';
export const QR_STAT_EVENTS = ['customer.scanned', 'customer.became_member', 'order.paid', 'order.refunded'] as const satisfies readonly EventType[];
/** handled_event rows are kept this long: far beyond any redelivery (the outbox gives up within hours). */
export const HANDLED_EVENT_RETENTION_DAYS = 14;
const PURGE_EVERY_MS = 3_600_000;

/** The one registration (events/handlers.ts): a batch handler, so a pass's events are one transaction. */
export function registerQrStatHandlers(worker: Pick<OutboxWorker, 'onBatch'>, deps: Deps): void {
  const ctx = backgroundCtx(deps, 'qr-stats');
  worker.onBatch(QR_STAT_EVENTS, async (events) => {
    await applyQrStatEvents(ctx, events);
    await maybePurgeHandledEvents(ctx);
  });
}

interface Delta {
  scans: number;
  newFans: number;
  newMembers: number;
  orders: number;
  salesFen: number;
  refundedFen: number;
}
const zero = (): Delta => ({ scans: 0, newFans: 0, newMembers: 0, orders: 0, salesFen: 0, refundedFen: 0 });

/** Applies the events not handled yet; returns how many were applied (the rest were already). Idempotent. */
export async function applyQrStatEvents(ctx: Ctx, events: DeliveredEvent[]): Promise<number> {
  const mine = events.filter((e) => (QR_STAT_EVENTS as readonly string[]).includes(e.type));
  if (mine.length === 0) return 0;
  return ctx.db.transaction(async (tx) => {
    const seen = await handledIds(tx, mine.map((e) => e.id));
    const fresh = mine.filter((e) => !seen.has(e.id));
    if (fresh.length === 0) return 0;
    // The guard: a concurrent delivery of any of these events makes this insert fail and the whole pass roll back.
    const at = ctx.clock.now();
    await tx.createQueryBuilder().insert().into(HandledEvent).values(fresh.map((e) => ({ consumer: QR_STATS_CONSUMER, eventId: e.id, createdAt: at }))).updateEntity(false).execute();
    const deltas = await deltasOf(tx, fresh);
    await addToStats(ctx.db, tx, deltas, at);
    return fresh.length;
  });
}

async function handledIds(tx: EntityManager, ids: number[]): Promise<Set<number>> {
  const rows = await tx
    .getRepository(HandledEvent)
    .createQueryBuilder('h')
    .select(['h.eventId'])
    .where('h.consumer = :c AND h.event_id IN (:...ids)', { c: QR_STATS_CONSUMER, ids })
    .getMany();
  return new Set(rows.map((r) => Number(r.eventId)));
}

/** What the events add to each code. Customers' acquisition codes and orders' sale flags: one read each. */
async function deltasOf(tx: EntityManager, events: DeliveredEvent[]): Promise<Map<number, Delta>> {
  const out = new Map<number, Delta>();
  const add = (codeId: number | null, f: (d: Delta) => void) => {
    if (codeId === null) return;
    let d = out.get(codeId);
    if (!d) out.set(codeId, (d = zero()));
    f(d);
  };
  const customerIds = new Set<number>();
  const orderIds = new Set<number>();
  for (const e of events) {
    if (e.type === 'customer.became_member' || e.type === 'order.paid') customerIds.add((e.payload as { customerId: number }).customerId);
    if (e.type === 'order.refunded') orderIds.add((e.payload as EventMap['order.refunded']).orderId);
  }
  const firstCode = new Map<number, number | null>();
  if (customerIds.size) {
    const rows: { id: number | string; code: number | string | null }[] = await tx.query(
      `SELECT id, first_qr_code_id AS code FROM customer WHERE id IN (${[...customerIds].map(() => '?').join(',')})`,
      [...customerIds],
    );
    for (const r of rows) firstCode.set(Number(r.id), r.code === null ? null : Number(r.code));
  }
  const refundCode = new Map<number, number | null>();
  if (orderIds.size) {
    const rows: { id: number | string; code: number | string | null; counted: number | string | boolean }[] = await tx.query(
      `SELECT o.id AS id, c.first_qr_code_id AS code, o.in_customer_stats AS counted FROM orders o JOIN customer c ON c.id = o.customer_id WHERE o.id IN (${[...orderIds].map(() => '?').join(',')})`,
      [...orderIds],
    );
    for (const r of rows) refundCode.set(Number(r.id), Number(r.counted) === 1 || r.counted === true ? (r.code === null ? null : Number(r.code)) : null);
  }
  for (const e of events) {
    switch (e.type) {
      case 'customer.scanned': {
        const p = e.payload as EventMap['customer.scanned'];
        add(p.qrCodeId, (d) => {
          d.scans++;
          if (p.isNewFan) d.newFans++;
        });
        break;
      }
      case 'customer.became_member':
        add(firstCode.get((e.payload as EventMap['customer.became_member']).customerId) ?? null, (d) => d.newMembers++);
        break;
      case 'order.paid': {
        const p = e.payload as EventMap['order.paid'];
        add(firstCode.get(p.customerId) ?? null, (d) => {
          d.orders++;
          d.salesFen += p.payableFen;
        });
        break;
      }
      case 'order.refunded': {
        const p = e.payload as EventMap['order.refunded'];
        add(refundCode.get(p.orderId) ?? null, (d) => (d.refundedFen += p.amountFen));
        break;
      }
    }
  }
  return out;
}

const STAT_COLUMNS = ['scans', 'new_fans', 'new_members', 'orders', 'sales_fen', 'refunded_fen'] as const;
const valuesOf = (d: Delta) => [d.scans, d.newFans, d.newMembers, d.orders, d.salesFen, d.refundedFen];

/** One multi-row upsert, codes in id order (two passes lock the same rows in the same order). */
async function addToStats(db: Db, tx: EntityManager, deltas: Map<number, Delta>, at: Date): Promise<void> {
  const codes = [...deltas.keys()].filter((id) => valuesOf(deltas.get(id)!).some((v) => v !== 0)).sort((a, b) => a - b);
  if (codes.length === 0) return;
  const cols = `qr_code_id, ${STAT_COLUMNS.join(', ')}, updated_at`;
  const rows = codes.map(() => `(?, ?, ?, ?, ?, ?, ?, ?)`).join(', ');
  const params = codes.flatMap((id) => [id, ...valuesOf(deltas.get(id)!), at]);
  const sql =
    db.dialect === 'mysql'
      ? `INSERT INTO qr_code_stat (${cols}) VALUES ${rows} ON DUPLICATE KEY UPDATE ${STAT_COLUMNS.map((c) => `${c} = ${c} + VALUES(${c})`).join(', ')}, updated_at = VALUES(updated_at)`
      : `INSERT INTO qr_code_stat (${cols}) VALUES ${rows} ON CONFLICT (qr_code_id) DO UPDATE SET ${STAT_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}, updated_at = excluded.updated_at`;
  await tx.query(sql, params.map((p) => (p instanceof Date ? sqlTime(db, p) : p)));
}

/** A bound datetime the way TypeORM writes it in each dialect (UTC). */
function sqlTime(db: Db, d: Date): string | Date {
  return db.dialect === 'mysql' ? d : d.toISOString().replace('T', ' ').replace('Z', '');
}

const lastPurge = new WeakMap<Db, number>();

/** At most hourly per process: drops this consumer's handled_event rows older than the retention. */
export async function maybePurgeHandledEvents(ctx: Ctx, force = false): Promise<number> {
  const now = performance.now();
  if (!force && now - (lastPurge.get(ctx.db) ?? -Infinity) < PURGE_EVERY_MS) return 0;
  lastPurge.set(ctx.db, now);
  const before = new Date(ctx.clock.now().getTime() - HANDLED_EVENT_RETENTION_DAYS * 86_400_000);
  let purged = 0;
  // In slices, so a large backlog never holds a long delete.
  for (;;) {
    const ids = await ctx.db.read((em) =>
      em
        .getRepository(HandledEvent)
        .createQueryBuilder('h')
        .select(['h.eventId'])
        .where('h.consumer = :c AND h.created_at < :before', { c: QR_STATS_CONSUMER, before })
        .orderBy('h.created_at', 'ASC')
        .limit(5_000)
        .getMany(),
    );
    if (ids.length === 0) return purged;
    await ctx.db.transaction(
      (tx) =>
        tx
          .createQueryBuilder()
          .delete()
          .from(HandledEvent)
          .where('consumer = :c AND event_id IN (:...ids)', { c: QR_STATS_CONSUMER, ids: ids.map((r) => Number(r.eventId)) })
          .execute(),
      { quiet: true },
    );
    purged += ids.length;
    if (ids.length < 5_000) return purged;
  }
}

/**
 * Recomputes every code's figures from the tables with the definitions above (scan_event rows; customers by
 * first_qr_code_id, members among them; their orders counted in sales, paid amount and refunded amount), one
 * transaction per chunk of code ids: the chunk's stat rows are locked, deleted and written again.
 *
 * Use after a bug, a restore or a manual data fix (`npm run qr:stats-rebuild`). It is exact for everything whose
 * events were handled before it starts; an event delivered while its chunk is being rebuilt may be counted twice
 * or not at all for that code, so run it with the outbox quiet (or run it again once quiet). Each chunk reads
 * scan_event, customer and orders once, grouped (full scans: an offline tool, not a request path).
 */
export async function rebuildQrCodeStats(ctx: Ctx, opts: { chunk?: number; onChunk?: (done: number) => void } = {}): Promise<{ codes: number; chunks: number }> {
  const size = opts.chunk ?? 2_000;
  let after = 0;
  let codes = 0;
  let chunks = 0;
  for (;;) {
    const ids: number[] = (
      await ctx.db.read((em) => em.query(`SELECT id FROM qr_code WHERE id > ? ORDER BY id LIMIT ${Number(size)}`, [after]))
    ).map((r: { id: number | string }) => Number(r.id));
    if (ids.length === 0) return { codes, chunks };
    const lo = ids[0]!;
    const hi = ids[ids.length - 1]!;
    await ctx.db.transaction(async (tx) => {
      await tx.query(`SELECT qr_code_id FROM qr_code_stat WHERE qr_code_id BETWEEN ? AND ?${ctx.db.lockSuffix}`, [lo, hi]);
      const figures = await computeFigures(tx, lo, hi);
      await tx.query('DELETE FROM qr_code_stat WHERE qr_code_id BETWEEN ? AND ?', [lo, hi]);
      await addToStats(ctx.db, tx, figures, ctx.clock.now());
    });
    codes += ids.length;
    chunks++;
    opts.onChunk?.(codes);
    after = hi;
  }
}

/** The figures of codes lo..hi from the tables (what the events would have added up to). */
async function computeFigures(tx: EntityManager, lo: number, hi: number): Promise<Map<number, Delta>> {
  const out = new Map<number, Delta>();
  const get = (id: number | string) => {
    let d = out.get(Number(id));
    if (!d) out.set(Number(id), (d = zero()));
    return d;
  };
  const scans: { code: number | string; n: number | string }[] = await tx.query(
    'SELECT qr_code_id AS code, COUNT(*) AS n FROM scan_event WHERE qr_code_id BETWEEN ? AND ? GROUP BY qr_code_id',
    [lo, hi],
  );
  for (const r of scans) get(r.code).scans = Number(r.n);
  const fans: { code: number | string; fans: number | string; members: number | string }[] = await tx.query(
    'SELECT first_qr_code_id AS code, COUNT(*) AS fans, SUM(CASE WHEN member_since IS NULL THEN 0 ELSE 1 END) AS members FROM customer WHERE first_qr_code_id BETWEEN ? AND ? GROUP BY first_qr_code_id',
    [lo, hi],
  );
  for (const r of fans) Object.assign(get(r.code), { newFans: Number(r.fans), newMembers: Number(r.members) });
  const sales: { code: number | string; n: number | string; paid: number | string; refunded: number | string }[] = await tx.query(
    'SELECT c.first_qr_code_id AS code, COUNT(*) AS n, SUM(o.payable_fen) AS paid, SUM(o.refunded_fen) AS refunded FROM customer c JOIN orders o ON o.customer_id = c.id ' +
      'WHERE c.first_qr_code_id BETWEEN ? AND ? AND o.in_customer_stats = 1 GROUP BY c.first_qr_code_id',
    [lo, hi],
  );
  for (const r of sales) Object.assign(get(r.code), { orders: Number(r.n), salesFen: Number(r.paid), refundedFen: Number(r.refunded) });
  return out;
}
