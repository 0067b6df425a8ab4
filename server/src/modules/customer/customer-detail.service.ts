import { In, type EntityManager } from 'typeorm';
import type {
  ConsoleClerkAssignment,
  ConsoleCustomerCoupon,
  ConsoleCustomerDetail,
  ConsoleCustomerOrder,
  ConsoleLedgerItem,
  ConsoleScan,
  CustomerTab,
  Page,
  TCustomerTabQuery,
} from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { decodeIdCursor, encodeIdCursor } from '../../lib/cursor';
import { AuditLog } from '../audit/audit-log.entity';
import { Coupon } from '../coupon/coupon.entity';
import { CouponTemplate } from '../coupon/coupon-template.entity';
import { Order } from '../payment/order.entity';
import { PointsLedger } from '../points/points-ledger.entity';
import { ADJUSTMENT_AUDIT_ACTION, ADJUSTMENT_REASON, ADJUSTMENT_REF_TYPE, type AdjustmentAuditDetails } from '../points/points-adjust.service';
import { QrCode } from '../qr-code/qr-code.entity';
import { Staff } from '../staff/staff.entity';
import { Store } from '../store/store.entity';
import { listCustomerTags } from '../tag/tag-query.service';
import { ClerkAssignment } from './clerk-assignment.entity';
import { Customer } from './customer.entity';
import { CustomerClerk } from './customer-clerk.entity';
import { namesOf } from './customer-list.service';
import type { CustomerScope } from './customer-query.service';
import { phoneMaskedOf } from './customer-view';
import { ScanEvent } from './scan-event.entity';

/** The customer, if within the staff member's scope; otherwise NOT_FOUND (no existence oracle). */
async function scopedCustomer(em: EntityManager, scope: CustomerScope, customerId: number): Promise<Customer> {
  const c = await em.getRepository(Customer).findOneBy({ id: customerId });
  if (!c) throw new AppError('NOT_FOUND');
  if (scope.storeId !== undefined && c.storeId !== scope.storeId) throw new AppError('NOT_FOUND');
  if (scope.clerkId !== undefined && !(await em.getRepository(CustomerClerk).existsBy({ customerId, staffId: scope.clerkId }))) throw new AppError('NOT_FOUND');
  return c;
}

/**
 * A customer's detail (顾客详情): profile (masked phone, membership, consent, home store, owning clerk with its
 * protection), tags with source, reference and expiry, and the first page of every tab. Read-only.
 */
export async function getCustomerDetail(ctx: Ctx, scope: CustomerScope, customerId: number): Promise<ConsoleCustomerDetail> {
  const first: TCustomerTabQuery = { limit: 20 };
  const { c, binding, store, clerk } = await ctx.db.read(async (em) => {
    const c = await scopedCustomer(em, scope, customerId);
    const binding = await em.getRepository(CustomerClerk).findOneBy({ customerId });
    const [store, clerk] = await Promise.all([
      c.storeId !== null ? em.getRepository(Store).findOne({ where: { id: c.storeId }, select: { id: true, name: true } }) : null,
      binding ? em.getRepository(Staff).findOne({ where: { id: binding.staffId }, select: { id: true, name: true, status: true } }) : null,
    ]);
    return { c, binding, store, clerk };
  });
  const tab = (name: CustomerTab) => ctx.db.read((em) => TABS[name](em, customerId, first));
  const [tags, ledger, orders, coupons, assignments, scans] = await Promise.all([
    listCustomerTags(ctx, customerId),
    tab('ledger') as Promise<Page<ConsoleLedgerItem>>,
    tab('orders') as Promise<Page<ConsoleCustomerOrder>>,
    tab('coupons') as Promise<Page<ConsoleCustomerCoupon>>,
    tab('assignments') as Promise<Page<ConsoleClerkAssignment>>,
    tab('scans') as Promise<Page<ConsoleScan>>,
  ]);
  return {
    id: c.id,
    phoneMasked: phoneMaskedOf(ctx.pii, c.phoneEnc),
    isMember: c.memberSince !== null,
    memberSince: c.memberSince?.toISOString() ?? null,
    level: c.level,
    pointsBalance: c.pointsBalance,
    marketingConsent: c.marketingConsent,
    store: store ? { id: store.id, name: store.name } : null,
    clerk:
      binding && clerk
        ? { id: clerk.id, name: clerk.name, status: clerk.status, storeId: binding.storeId, rule: binding.rule, boundAt: binding.boundAt.toISOString(), protectedUntil: binding.protectedUntil.toISOString() }
        : null,
    firstScanAt: c.firstScanAt?.toISOString() ?? null,
    firstQrCodeId: c.firstQrCodeId,
    lastVisitAt: c.lastVisitAt?.toISOString() ?? null,
    lastPurchaseAt: c.lastPurchaseAt?.toISOString() ?? null,
    orderCount: c.orderCount,
    totalSpendFen: c.totalSpendFen,
    createdAt: c.createdAt.toISOString(),
    tags,
    ledger,
    orders,
    coupons,
    assignments,
    scans,
  };
}

/** One tab of the detail, keyset-paged by id (newest first); NOT_FOUND outside the scope. */
export async function getCustomerTab(ctx: Ctx, scope: CustomerScope, customerId: number, tab: CustomerTab, q: TCustomerTabQuery): Promise<Page<unknown>> {
  return ctx.db.read(async (em) => {
    await scopedCustomer(em, scope, customerId);
    return TABS[tab](em, customerId, q);
  });
}

type TabReader = (em: EntityManager, customerId: number, q: TCustomerTabQuery) => Promise<Page<unknown>>;

/** Rows below the cursor's id, newest first, one more than the page to know whether there is a next one. */
function keyset<T extends { id: number }>(rows: T[], limit: number, prefix: string): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? encodeIdCursor(prefix, page[page.length - 1].id) : null };
}
const before = (q: TCustomerTabQuery, prefix: string) => (q.cursor ? decodeIdCursor(prefix, q.cursor) : null);

const TABS: Record<CustomerTab, TabReader> = {
  /** Points ledger (idx_points_customer (customer, id)); a manual adjustment shows the reason the admin gave. */
  async ledger(em, customerId, q) {
    const b = before(q, 'l');
    const qb = em.getRepository(PointsLedger).createQueryBuilder('l').where('l.customer_id = :customerId', { customerId }).orderBy('l.id', 'DESC').limit(q.limit + 1);
    if (b !== null) qb.andWhere('l.id < :b', { b });
    const { page, nextCursor } = keyset(await qb.getMany(), q.limit, 'l');
    const adjustments = page.filter((r) => r.reason === ADJUSTMENT_REASON && r.refType === ADJUSTMENT_REF_TYPE).map((r) => r.refId);
    const notes = new Map<string, string>();
    if (adjustments.length) {
      const audits = await em.getRepository(AuditLog).find({
        where: { targetType: 'customer', targetId: String(customerId), action: ADJUSTMENT_AUDIT_ACTION },
        select: { id: true, details: true },
      });
      for (const a of audits) {
        const d = parseDetails(a.details);
        if (d && typeof d.requestNo === 'string' && typeof d.reason === 'string') notes.set(d.requestNo, d.reason);
      }
    }
    const items: ConsoleLedgerItem[] = page.map((r) => ({
      id: r.id,
      delta: r.delta,
      reason: r.reason,
      refType: r.refType,
      refId: r.refId,
      balanceAfter: r.balanceAfter,
      note: r.reason === ADJUSTMENT_REASON && r.refType === ADJUSTMENT_REF_TYPE ? (notes.get(r.refId) ?? null) : null,
      createdAt: r.createdAt.toISOString(),
    }));
    return { items, nextCursor };
  },

  /** Orders of every channel (idx_order_customer (customer, id)). */
  async orders(em, customerId, q) {
    const b = before(q, 'o');
    const qb = em.getRepository(Order).createQueryBuilder('o').where('o.customer_id = :customerId', { customerId }).orderBy('o.id', 'DESC').limit(q.limit + 1);
    if (b !== null) qb.andWhere('o.id < :b', { b });
    const { page, nextCursor } = keyset(await qb.getMany(), q.limit, 'o');
    const stores = await namesOf(em, Store, [...new Set(page.map((o) => o.storeId))]);
    const items: ConsoleCustomerOrder[] = page.map((o) => ({
      id: o.id,
      outTradeNo: o.outTradeNo,
      status: o.status,
      channel: o.channel,
      store: stores.get(o.storeId) ?? null,
      clerkId: o.clerkId,
      totalFen: o.totalFen,
      couponDiscountFen: o.couponDiscountFen,
      pointsDeductionFen: o.pointsDeductionFen,
      payableFen: o.payableFen,
      refundedFen: o.refundedFen,
      pointsUsed: o.pointsUsed,
      pointsEarned: o.pointsEarned,
      createdAt: o.createdAt.toISOString(),
      paidAt: o.paidAt?.toISOString() ?? null,
    }));
    return { items, nextCursor };
  },

  /** Coupons with their template's title (idx_coupon_customer_status leads with the customer). */
  async coupons(em, customerId, q) {
    const b = before(q, 'k');
    const qb = em
      .getRepository(Coupon)
      .createQueryBuilder('k')
      .select(['k.id', 'k.templateId', 'k.status', 'k.source', 'k.validFrom', 'k.validTo', 'k.issuedAt', 'k.redeemedAt'])
      .where('k.customer_id = :customerId', { customerId })
      .orderBy('k.id', 'DESC')
      .limit(q.limit + 1);
    if (b !== null) qb.andWhere('k.id < :b', { b });
    const { page, nextCursor } = keyset(await qb.getMany(), q.limit, 'k');
    const templateIds = [...new Set(page.map((k) => k.templateId))];
    const templates = templateIds.length
      ? new Map((await em.getRepository(CouponTemplate).find({ where: { id: In(templateIds) }, select: { id: true, title: true } })).map((t) => [t.id, t.title]))
      : new Map<number, string>();
    const items: ConsoleCustomerCoupon[] = page.map((k) => ({
      id: k.id,
      templateId: k.templateId,
      title: templates.get(k.templateId) ?? '',
      status: k.status,
      source: k.source,
      validFrom: k.validFrom.toISOString(),
      validTo: k.validTo.toISOString(),
      issuedAt: k.issuedAt.toISOString(),
      redeemedAt: k.redeemedAt?.toISOString() ?? null,
    }));
    return { items, nextCursor };
  },

  /** Every change of owning clerk (idx_clerk_assignment_customer). */
  async assignments(em, customerId, q) {
    const b = before(q, 'a');
    const qb = em.getRepository(ClerkAssignment).createQueryBuilder('a').where('a.customer_id = :customerId', { customerId }).orderBy('a.id', 'DESC').limit(q.limit + 1);
    if (b !== null) qb.andWhere('a.id < :b', { b });
    const { page, nextCursor } = keyset(await qb.getMany(), q.limit, 'a');
    const staffIds = [...new Set(page.flatMap((a) => [a.fromStaffId, a.toStaffId, a.actorStaffId]).filter((v): v is number => v !== null))];
    const staff = await namesOf(em, Staff, staffIds);
    const ref = (id: number | null) => (id === null ? null : (staff.get(id) ?? { id, name: `#${id}` }));
    const items: ConsoleClerkAssignment[] = page.map((a) => ({
      id: a.id,
      from: ref(a.fromStaffId),
      to: ref(a.toStaffId)!,
      rule: a.rule,
      actor: ref(a.actorStaffId),
      reason: a.reason,
      at: a.at.toISOString(),
    }));
    return { items, nextCursor };
  },

  /** Visits through a code, with the code, its store and clerk (uq_scan_visit leads with the customer). */
  async scans(em, customerId, q) {
    const b = before(q, 's');
    const qb = em.getRepository(ScanEvent).createQueryBuilder('s').where('s.customer_id = :customerId', { customerId }).orderBy('s.id', 'DESC').limit(q.limit + 1);
    if (b !== null) qb.andWhere('s.id < :b', { b });
    const { page, nextCursor } = keyset(await qb.getMany(), q.limit, 's');
    const codeIds = [...new Set(page.map((s) => s.qrCodeId))];
    const [codes, stores, staff] = await Promise.all([
      codeIds.length ? em.getRepository(QrCode).find({ where: { id: In(codeIds) }, select: { id: true, code: true, ownerType: true } }) : [],
      namesOf(em, Store, [...new Set(page.map((s) => s.storeId))]),
      namesOf(em, Staff, [...new Set(page.map((s) => s.staffId).filter((v): v is number => v !== null))]),
    ]);
    const codeOf = new Map(codes.map((k) => [k.id, k]));
    const items: ConsoleScan[] = page.map((s) => ({
      id: s.id,
      qrCodeId: s.qrCodeId,
      code: codeOf.get(s.qrCodeId)?.code ?? null,
      ownerType: codeOf.get(s.qrCodeId)?.ownerType ?? null,
      store: stores.get(s.storeId) ?? null,
      clerk: s.staffId !== null ? (staff.get(s.staffId) ?? null) : null,
      scannedAt: s.scannedAt.toISOString(),
    }));
    return { items, nextCursor };
  },
};

function parseDetails(text: string | null): Partial<AdjustmentAuditDetails> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Partial<AdjustmentAuditDetails>;
  } catch {
    return null;
  }
}
