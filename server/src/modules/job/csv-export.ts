import { In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import {
  EXPORT_ROW_CAP,
  formatFen,
  maskPhone,
  ZCustomerExportFilters,
  ZOrderExportFilters,
  type CsvExportResult,
  type ExportList,
  type JobView,
  type OrderChannel,
  type OrderStatus,
  type TCustomerExportFilters,
  type TOrderExportFilters,
} from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { audit } from '../audit/audit';
import { CustomerClerk } from '../customer/customer-clerk.entity';
import { customerFilter, namesOf } from '../customer/customer-list.service';
import { mainlandPhoneHash, phoneMaskedOf } from '../customer/customer-view';
import { Customer } from '../customer/customer.entity';
import { Order } from '../payment/order.entity';
import { Staff } from '../staff/staff.entity';
import { Store } from '../store/store.entity';
import { JobFailure } from './job-failure';
import type { JobHandler, JobIo, JobOutcome } from './job-runner';
import { requestJob } from './job.service';

/**
 * CSV export of the console's long lists (顾客, 订单) as a `csv_export` job, with the list's filters.
 *
 * - Scope: a store manager's export is their store's, whatever `storeId` they sent (forced here, at request time,
 *   and stored in the job's params; the job row carries their store so only they and admins see it).
 * - Phones leave only masked (138****0000). A phone filter is stored as its blind-index hash, never as the number
 *   (job params and the audit row are plain text at rest).
 * - The file: UTF-8 with a BOM (Excel opens Chinese correctly), CRLF, RFC 4180 quoting, text cells that start like a
 *   formula prefixed with `'`. Rows in id order, newest first, read in keyset pages of PAGE rows (a page's cost does
 *   not grow with its depth), progress written per page; at most EXPORT_ROW_CAP rows (`capped` in the result).
 * - Deterministic (a re-claimed job starts over from nothing and writes the same file, rows changed meanwhile aside).
 */

const PAGE = 2_000;

interface StoredParams {
  list: ExportList;
  /** Query-shaped (text) filters, re-validated by the list's schema when the job runs; never a phone. */
  filters: Record<string, string>;
  /** The phone filter's blind index (customers only). */
  phoneHash?: string;
}

// ---- request ----

/** POST /api/admin/customers/export: queues the job (not idempotent: every click is a new file). */
export function requestCustomerExport(ctx: Ctx, actor: StaffActor, filters: TCustomerExportFilters): Promise<JobView> {
  const { phone, ...rest } = filters;
  const scoped = forceStore(actor, rest);
  const params: StoredParams = { list: 'customers', filters: queryText(scoped), ...(phone !== undefined ? { phoneHash: mainlandPhoneHash(ctx.pii, phone) } : {}) };
  return queue(ctx, actor, params, scoped.storeId ?? null, phone !== undefined ? { phone: maskPhone(phone) } : {});
}

/** POST /api/admin/orders/export. */
export function requestOrderExport(ctx: Ctx, actor: StaffActor, filters: TOrderExportFilters): Promise<JobView> {
  const scoped = forceStore(actor, filters);
  return queue(ctx, actor, { list: 'orders', filters: queryText(scoped) }, scoped.storeId ?? null, {});
}

/** A store manager's filters name their own store (a missing store on a manager matches nothing: -1). */
function forceStore<F extends { storeId?: number }>(actor: StaffActor, filters: F): F {
  return actor.role === 'store_manager' ? { ...filters, storeId: actor.storeId ?? -1 } : filters;
}

function queue(ctx: Ctx, actor: StaffActor, params: StoredParams, storeId: number | null, extraDetails: object): Promise<JobView> {
  const what = params.list === 'customers' ? '顾客' : '订单';
  // The job row's store (`storeId`): a manager's own (forced above), else the filtered store, else null (brand).
  // The total is counted by the job itself (a capped count of up to a million rows is not a request's work).
  return requestJob(ctx, actor, { kind: 'csv_export', params, storeId, total: 0 }, (tx, jobId) =>
    audit(tx, actor, {
      action: params.list === 'customers' ? 'customer.export' : 'order.export',
      targetType: 'job',
      targetId: jobId,
      storeId,
      summary: `导出${what} CSV${Object.keys(params.filters).length || params.phoneHash ? '（按当前筛选）' : '（全部）'}`,
      details: { filters: params.filters, ...extraDetails },
    }),
  );
}

/** Parsed filters back to the query text the list schemas read (numbers, flags → text; undefined dropped). */
function queryText(filters: object): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).flatMap(([k, v]) => (v === undefined || v === null ? [] : [[k, String(v)]])));
}

// ---- the job ----

async function run(ctx: Ctx, io: JobIo): Promise<JobOutcome> {
  const p = io.params as Partial<StoredParams>;
  const source = p.list === 'customers' ? customerSource(ctx, p) : p.list === 'orders' ? orderSource(ctx, p) : null;
  if (!source) throw new JobFailure('任务参数无效，请重新发起');
  const total = Math.min(await ctx.db.read((em) => source.count(em)), EXPORT_ROW_CAP);
  io.setTotal(total);
  io.write('\uFEFF' + csvLine(source.header));
  let done = 0;
  let after: number | null = null;
  let capped = false;
  for (;;) {
    const take = Math.min(PAGE, EXPORT_ROW_CAP - done);
    if (take === 0) {
      capped = await ctx.db.read((em) => source.hasAfter(em, after!));
      break;
    }
    const page = await ctx.db.read((em) => source.page(em, after, take));
    if (page.rows.length > 0) io.write(page.rows.map(csvLine).join(''));
    done += page.rows.length;
    await io.progress(done);
    if (page.lastId === null || page.rows.length < take) break;
    after = page.lastId;
  }
  const result: CsvExportResult = { list: source.list, rows: done, capped };
  const stamp = new Date(ctx.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return { fileName: `${source.list === 'customers' ? '顾客' : '订单'}导出-${stamp}.csv`, contentType: 'text/csv; charset=utf-8', result };
}

export const csvExportJob: JobHandler = { run, progressEvery: PAGE };

interface Source {
  list: ExportList;
  header: string[];
  /** Matching rows, counted up to EXPORT_ROW_CAP + 1. */
  count(em: EntityManager): Promise<number>;
  /** The next `take` rows below id `after` (null: from the newest), and the last row's key. */
  page(em: EntityManager, after: number | null, take: number): Promise<{ rows: Cell[][]; lastId: number | null }>;
  hasAfter(em: EntityManager, after: number): Promise<boolean>;
}

type Cell = string | number | null;

async function cappedCount(em: EntityManager, qb: SelectQueryBuilder<any>): Promise<number> {
  const [sql, params] = qb.limit(EXPORT_ROW_CAP + 1).getQueryAndParameters();
  const rows = (await em.query(`SELECT COUNT(*) AS n FROM (${sql}) capped`, params)) as { n: number | string }[];
  return Number(rows[0]?.n ?? 0);
}

// ---- customers ----

function customerSource(ctx: Ctx, p: Partial<StoredParams>): Source {
  const parsed = ZCustomerExportFilters.safeParse(p.filters ?? {});
  if (!parsed.success || parsed.data.phone !== undefined) throw new JobFailure('任务参数无效，请重新发起');
  const f = parsed.data;
  const now = ctx.clock.now();
  /** The console list's own filters (customer-list.service `customerFilter`), keyed on the driving index. */
  const ids = (em: EntityManager) => {
    const { qb, keyColumn: key } = customerFilter(em, {}, { ...f, phoneHash: p.phoneHash }, now);
    return { qb: qb.select(key, 'id'), key };
  };
  return {
    list: 'customers',
    header: ['顾客ID', '手机号（脱敏）', '会员', '入会时间', '等级', '积分余额', '归属门店', '专属导购', '订单数', '累计消费（元）', '最近到店', '最近消费', '创建时间'],
    count: (em) => cappedCount(em, ids(em).qb),
    hasAfter: async (em, after) => {
      const { qb, key } = ids(em);
      return (await qb.andWhere(`${key} < :after`, { after }).limit(1).getRawMany()).length > 0;
    },
    page: async (em, after, take) => {
      const { qb, key } = ids(em);
      if (after !== null) qb.andWhere(`${key} < :after`, { after });
      const idList = (await qb.orderBy(key, 'DESC').limit(take).getRawMany<{ id: number | string }>()).map((r) => Number(r.id));
      if (idList.length === 0) return { rows: [], lastId: null };
      const [customers, bindings] = await Promise.all([
        em.getRepository(Customer).find({
          where: { id: In(idList) },
          select: { id: true, phoneEnc: true, memberSince: true, level: true, pointsBalance: true, storeId: true, orderCount: true, totalSpendFen: true, lastVisitAt: true, lastPurchaseAt: true, createdAt: true },
        }),
        em.getRepository(CustomerClerk).find({ where: { customerId: In(idList) }, select: { customerId: true, staffId: true } }),
      ]);
      const clerkOf = new Map(bindings.map((b) => [b.customerId, b.staffId]));
      const [stores, staff] = await Promise.all([
        namesOf(em, Store, [...new Set(customers.flatMap((c) => (c.storeId === null ? [] : [c.storeId])))]),
        namesOf(em, Staff, [...new Set(bindings.map((b) => b.staffId))]),
      ]);
      const byId = new Map(customers.map((c) => [c.id, c]));
      const rows = idList.flatMap((id): Cell[][] => {
        const c = byId.get(id);
        if (!c) return [];
        const clerkId = clerkOf.get(id);
        return [
          [
            c.id,
            phoneMaskedOf(ctx.pii, c.phoneEnc),
            c.memberSince ? '会员' : '粉丝',
            shanghai(c.memberSince),
            c.level,
            c.pointsBalance,
            c.storeId === null ? null : (stores.get(c.storeId)?.name ?? null),
            clerkId === undefined ? null : (staff.get(clerkId)?.name ?? null),
            c.orderCount,
            formatFen(c.totalSpendFen),
            shanghai(c.lastVisitAt),
            shanghai(c.lastPurchaseAt),
            shanghai(c.createdAt),
          ],
        ];
      });
      return { rows, lastId: idList[idList.length - 1]! };
    },
  };
}

// ---- orders ----

const ORDER_STATUS_ZH: Record<OrderStatus, string> = { created: '待支付', paid: '已支付', closed: '已关闭', partially_refunded: '部分退款', refunded: '已退款' };
const ORDER_CHANNEL_ZH: Record<OrderChannel, string> = { preorder: '预订单', pos: '收银机', clerk: '导购收银', import: '导入' };

function orderSource(ctx: Ctx, p: Partial<StoredParams>): Source {
  const parsed = ZOrderExportFilters.safeParse(p.filters ?? {});
  if (!parsed.success) throw new JobFailure('任务参数无效，请重新发起');
  const f = parsed.data;
  /** The same filters as the console's order list (order-query.service `listConsoleOrders`). */
  const filtered = (em: EntityManager) => {
    const qb = em.getRepository(Order).createQueryBuilder('o');
    if (f.storeId !== undefined) qb.andWhere('o.store_id = :storeId', { storeId: f.storeId });
    if (f.status) qb.andWhere('o.status = :status', { status: f.status });
    if (f.channel) qb.andWhere('o.channel = :channel', { channel: f.channel });
    if (f.customerId !== undefined) qb.andWhere('o.customer_id = :customerId', { customerId: f.customerId });
    if (f.outTradeNo) qb.andWhere('o.out_trade_no = :outTradeNo', { outTradeNo: f.outTradeNo });
    if (f.from) qb.andWhere('o.created_at >= :from', { from: new Date(f.from) });
    if (f.to) qb.andWhere('o.created_at < :to', { to: new Date(f.to) });
    return qb;
  };
  return {
    list: 'orders',
    header: ['订单ID', '商户订单号', '状态', '渠道', '门店', '顾客ID', '顾客手机号（脱敏）', '商品原价（元）', '会员价金额（元）', '优惠券（元）', '积分抵现（元）', '实付（元）', '已退款（元）', '退款中（元）', '使用积分', '奖励积分', '下单时间', '支付时间'],
    count: (em) => cappedCount(em, filtered(em).select('o.id', 'id')),
    hasAfter: async (em, after) => (await filtered(em).select('o.id', 'id').andWhere('o.id < :after', { after }).limit(1).getRawMany()).length > 0,
    page: async (em, after, take) => {
      const qb = filtered(em).orderBy('o.id', 'DESC').take(take);
      if (after !== null) qb.andWhere('o.id < :after', { after });
      const orders = await qb.getMany();
      if (orders.length === 0) return { rows: [], lastId: null };
      const customerIds = [...new Set(orders.map((o) => o.customerId))];
      const [customers, stores] = await Promise.all([
        em.getRepository(Customer).find({ where: { id: In(customerIds) }, select: { id: true, phoneEnc: true } }),
        namesOf(em, Store, [...new Set(orders.map((o) => o.storeId))]),
      ]);
      const phone = new Map(customers.map((c) => [c.id, phoneMaskedOf(ctx.pii, c.phoneEnc)]));
      const rows = orders.map((o): Cell[] => [
        o.id,
        o.outTradeNo,
        ORDER_STATUS_ZH[o.status] ?? o.status,
        ORDER_CHANNEL_ZH[o.channel] ?? o.channel,
        stores.get(o.storeId)?.name ?? null,
        o.customerId,
        phone.get(o.customerId) ?? null,
        formatFen(o.listFen),
        formatFen(o.totalFen),
        formatFen(o.couponDiscountFen),
        formatFen(o.pointsDeductionFen),
        formatFen(o.payableFen),
        formatFen(o.refundedFen),
        formatFen(o.refundPendingFen),
        o.pointsUsed,
        o.pointsEarned,
        shanghai(o.createdAt),
        shanghai(o.paidAt),
      ]);
      return { rows, lastId: orders[orders.length - 1]!.id };
    },
  };
}

// ---- CSV ----

/** Asia/Shanghai (UTC+8, no daylight saving), 'YYYY-MM-DD HH:mm'; empty for none. */
function shanghai(d: Date | null | undefined): string {
  return d ? new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '';
}

/**
 * One CRLF-terminated record. Numbers are written as they are; text that a spreadsheet would run as a formula
 * (= + - @, tab, CR at the start: store and clerk names are typed by people) is prefixed with `'`.
 */
export function csvLine(cells: Cell[]): string {
  return (
    cells
      .map((v) => {
        if (v === null) return '';
        if (typeof v === 'number') return String(v);
        const s = /^[=+\-@\t\r]/.test(v) && !/^-?\d+(\.\d+)?$/.test(v) ? `'${v}` : v;
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}
