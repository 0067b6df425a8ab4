import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { Harness } from '../helpers/harness';
import { makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import type { DeliveredEvent, EventType } from '../../src/events/event-types';
import { Order } from '../../src/modules/payment/order.entity';
import { Store } from '../../src/modules/store/store.entity';
import { QrCodeStat } from '../../src/modules/qr-code/qr-code-stat.entity';

/** Test fixtures of the QR console area (codes, figures, posters). */

export const DAY = 86_400_000;
let seq = 0;
const uniq = () => `${crypto.randomBytes(3).toString('hex')}${++seq}`;

export const randomPhone = () => `139${String(crypto.randomInt(0, 100_000_000)).padStart(8, '0')}`;

/** A store with a region (set directly: this area does not depend on the store form). */
export async function storeIn(h: Harness, region: string | null, name = `店${uniq()}`) {
  const store = await makeStore(h, name);
  await h.deps.db.transaction((tx) => tx.getRepository(Store).update({ id: store.id }, { region }));
  return { ...store, region };
}

export async function tokenOf(h: Harness, role: 'admin' | 'marketer' | 'store_manager' | 'clerk', storeId?: number) {
  const { staff } = await makeStaff(h, role, storeId);
  return { staff, token: staffToken(h, staff.id) };
}

export async function lastEventId(h: Harness): Promise<number> {
  const r = await h.deps.db.read((em) => em.getRepository(OutboxEvent).createQueryBuilder('e').select('MAX(e.id)', 'm').getRawOne<{ m: number | null }>());
  return Number(r?.m ?? 0);
}

/** The outbox events of these types after `afterId`, as a worker would deliver them. */
export async function deliveredSince(h: Harness, afterId: number, types: readonly EventType[]): Promise<DeliveredEvent[]> {
  const rows = await h.deps.db.read((em) =>
    em.getRepository(OutboxEvent).createQueryBuilder('e').where('e.id > :afterId AND e.type IN (:...types)', { afterId, types }).orderBy('e.id', 'ASC').getMany(),
  );
  return rows.map((r) => ({ id: r.id, type: r.type as EventType, payload: JSON.parse(r.payload), attempt: 1 }) as DeliveredEvent);
}

export async function statOf(h: Harness, qrCodeId: number) {
  const s = await h.deps.db.read((em) => em.getRepository(QrCodeStat).findOneBy({ qrCodeId }));
  return s
    ? { scans: s.scans, newFans: s.newFans, newMembers: s.newMembers, orders: s.orders, salesFen: Number(s.salesFen), refundedFen: Number(s.refundedFen) }
    : { scans: 0, newFans: 0, newMembers: 0, orders: 0, salesFen: 0, refundedFen: 0 };
}

/** A paid order inserted directly (the figures read `orders` and the events only). */
export async function insertOrder(h: Harness, customerId: number, storeId: number, payableFen: number, opts: { refundedFen?: number; inCustomerStats?: boolean } = {}): Promise<number> {
  const no = crypto.randomBytes(8).toString('hex');
  const refunded = opts.refundedFen ?? 0;
  return h.deps.db.transaction((tx) =>
    h.deps.db.insertReturningId(tx, Order, {
      outTradeNo: no,
      customerId,
      storeId,
      clerkId: null,
      status: refunded === 0 ? 'paid' : refunded >= payableFen ? 'refunded' : 'partially_refunded',
      idempotencyKey: no,
      requestHash: no,
      listFen: payableFen,
      totalFen: payableFen,
      couponDiscountFen: 0,
      pointsDeductionFen: 0,
      payableFen,
      pointsUsed: 0,
      pickupCode: '000000',
      expiresAt: h.clock.now(),
      paidAt: h.clock.now(),
      inCustomerStats: opts.inCustomerStats ?? true,
      refundedFen: refunded,
    }),
  );
}

/** Pages of a PDF made by pdfkit: its page objects (`/Type /Page`, not `/Pages`). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type \/Page(?![s\w])/g) ?? []).length;
}

/**
 * The text lines of a PDF made by pdfkit, in order: each `[…] TJ` of the (deflated) content streams, its glyph ids
 * mapped back through the fonts' ToUnicode CMaps (pdfkit writes text as 4-hex-digit glyph ids of a subset font).
 * Enough for pdfkit's own output, not a general PDF reader.
 */
export function pdfTexts(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /(?<!end)stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    const dict = raw.slice(raw.lastIndexOf('<<', m.index), m.index);
    let data = pdf.subarray(start, end);
    if (dict.includes('/FlateDecode')) data = zlib.inflateSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    streams.push(data.toString('latin1'));
    re.lastIndex = end;
  }
  const glyphs = new Map<number, string>();
  for (const s of streams.filter((x) => x.includes('beginbfrange')))
    for (const r of s.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/g)) {
      let g = parseInt(r[1]!, 16);
      for (const u of r[3]!.matchAll(/<([0-9a-fA-F]+)>/g)) glyphs.set(g++, Buffer.from(u[1]!, 'hex').swap16().toString('utf16le'));
    }
  const lines: string[] = [];
  for (const s of streams)
    for (const t of s.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      let line = '';
      for (const hex of t[1]!.matchAll(/<([0-9a-fA-F]+)>/g)) for (let i = 0; i < hex[1]!.length; i += 4) line += glyphs.get(parseInt(hex[1]!.slice(i, i + 4), 16)) ?? '\uFFFD';
      lines.push(line);
    }
  return lines;
}
