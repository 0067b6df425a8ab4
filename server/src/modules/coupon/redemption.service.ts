import type { EntityManager } from 'typeorm';
import { couponDiscount, type CouponKind, type CouponSource, type CouponStatus, type ErrorCode, type RedemptionLookupView, type RedemptionView, type TRedeemBody, type TRedemptionLookupBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { DEFER, committerFor, type Deferred } from '../../db/group-commit';
import { exec, inList, sqlTime, tuples } from '../../db/raw-sql';
import { emit, emitAll, type PendingEvent } from '../../events/outbox';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { phoneMaskedOf } from '../customer/customer-view';
import { couponView, termsOf, type CouponOfView, type TemplateOfView } from './coupon-view';
import { Coupon } from './coupon.entity';
import { candidateWindows, matchDigits, parseToken, tokenMacOk, windowVerdict } from './coupon-code';
import { Redemption } from './redemption.entity';
import { isValidAt } from './validity';
import { withCodeAttempt } from './code-attempts';

/** How long after a redemption its store may reverse it (REDEMPTION_REVERSAL_WINDOW_MINUTES, default 24 h: a till's "void" covers the same business day and then some). */
export const reversalWindowMs = (ctx: Ctx) => ctx.config.rules.redemptionReversalWindowMinutes * 60_000;

/*
 * Statement budget (issue 12; counted by test/coupon/redemption-statements.e2e.test.ts through the HTTP stack):
 *   lookup  = staff auth read + ONE read                                   → 2 statements, no transaction
 *   confirm = staff auth read + ONE read + [UPDATE coupon, INSERT code use,
 *             INSERT redemption, INSERT outbox event] in one transaction   → 6 statements + START/COMMIT
 *   refusal or retry of a confirm = staff auth read + ONE read              → 2 statements, no transaction
 * Under load the confirms' writes share transactions (`redeemGroup`): n confirms arriving together cost one
 * START/COMMIT and 5 statements between them (so 2 + 7/n each), instead of 6 + 2 each.
 * The one read (`readPresented`) joins what the checks need — the coupon and its template by code or handle, whether
 * the store is in scope, whether the code's window(s) were used, the gift's price, and for a confirm the request's
 * prior redemption (idempotency), for a lookup the member's phone and the scope list — each by a unique or primary
 * key, so it reads a handful of index entries whatever the table sizes. The checks then run in memory in the
 * documented order. Nothing is decided by that read: the conditional update (issued → redeemed, affected rows
 * checked), the UNIQUE (coupon, window) use row and the UNIQUE (store, requestNo) redemption row decide, in the
 * transaction, exactly as before.
 */

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** A raw datetime: mysql2 gives a Date (UTC, the driver's timezone 'Z'); SQLite the stored 'YYYY-MM-DD HH:MM:SS.mmm' (UTC). */
const at = (v: unknown): Date => (v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`));
const atOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : at(v));

/** A presented code's coupon with what the checks and the answers need, from one read. */
interface Presented {
  coupon: CouponOfView & { code: string; customerId: number };
  template: TemplateOfView & { storeScoped: boolean };
  /** The gift's sale price (a gift template), null when its product is gone. */
  giftPriceFen: number | null;
  inScope: boolean;
  /** Of the windows asked about, those already used (coupon_code_use). */
  usedWindows: Set<number>;
  /** Lookup: the member's encrypted phone and the template's store scope (ascending; [] = every store). */
  phoneEnc: string | null;
  scope: number[];
  /** Confirm: this store's redemption under the request's number, if any. */
  prior: RedemptionView | null;
}

type ReadFor = { kind: 'lookup' } | { kind: 'confirm'; requestNo: string };

/**
 * The one read. `windows` are the code windows whose use matters (the token's; for typed digits the fresh
 * candidates, since the window is only known once the coupon's MAC is computed). Keys used: coupon.code /
 * coupon.handle (UNIQUE), coupon_template PK, coupon_template_store PK (template, store), coupon_code_use UNIQUE
 * (coupon, window), product.sku UNIQUE, redemption UNIQUE (store, request_no), customer PK.
 */
async function readPresented(em: EntityManager, by: 'code' | 'handle', value: string, storeId: number, windows: number[], purpose: ReadFor): Promise<Presented | null> {
  const used = windows.map((_, i) => `, EXISTS(SELECT 1 FROM coupon_code_use u WHERE u.coupon_id = c.id AND u.code_window = ?) AS used_${i}`).join('');
  const confirm = purpose.kind === 'confirm';
  const sql =
    'SELECT c.id, c.code, c.template_id, c.customer_id, c.status, c.source, c.valid_from, c.valid_to, c.redeemed_at, ' +
    't.title, t.description, t.kind, t.threshold_fen, t.amount_off_fen, t.percent_off, t.max_discount_fen, t.gift_sku, t.category_ids, t.store_scoped, ' +
    '(SELECT p.price_fen FROM product p WHERE p.sku = t.gift_sku) AS gift_price_fen' +
    used +
    (confirm
      ? ', EXISTS(SELECT 1 FROM coupon_template_store s WHERE s.template_id = c.template_id AND s.store_id = ?) AS in_scope, ' +
        'r.id AS r_id, r.coupon_id AS r_coupon_id, r.clerk_id AS r_clerk_id, r.order_amount_fen AS r_order_amount_fen, r.discount_fen AS r_discount_fen, ' +
        'r.redeemed_at AS r_redeemed_at, r.reversed_at AS r_reversed_at, r.reversed_by AS r_reversed_by, r.reverse_reason AS r_reverse_reason ' +
        'FROM coupon c JOIN coupon_template t ON t.id = c.template_id LEFT JOIN redemption r ON r.store_id = ? AND r.request_no = ? '
      : // one row per store in the template's scope (one row when it has none)
        ', cu.phone_enc, s.store_id AS scope_store_id ' +
        'FROM coupon c JOIN coupon_template t ON t.id = c.template_id LEFT JOIN customer cu ON cu.id = c.customer_id ' +
        'LEFT JOIN coupon_template_store s ON s.template_id = c.template_id ') +
    (by === 'code' ? 'WHERE c.code = ?' : 'WHERE c.handle = ?');
  const params = [...windows, ...(confirm ? [storeId, storeId, purpose.requestNo] : []), value];
  const rows = (await em.query(sql, params)) as Row[];
  const r = rows[0];
  if (!r) return null;
  const storeScoped = Number(r.store_scoped) === 1;
  const scope = storeScoped && !confirm ? rows.map((x) => num(x.scope_store_id)).filter((x): x is number => x !== null).sort((a, b) => a - b) : [];
  return {
    coupon: {
      id: Number(r.id),
      code: String(r.code),
      templateId: Number(r.template_id),
      customerId: Number(r.customer_id),
      status: r.status as CouponStatus,
      source: r.source as CouponSource,
      validFrom: at(r.valid_from),
      validTo: at(r.valid_to),
      redeemedAt: atOrNull(r.redeemed_at),
    },
    template: {
      title: String(r.title),
      description: String(r.description),
      kind: r.kind as CouponKind,
      thresholdFen: Number(r.threshold_fen),
      amountOffFen: num(r.amount_off_fen),
      percentOff: num(r.percent_off),
      maxDiscountFen: num(r.max_discount_fen),
      giftSku: (r.gift_sku as string | null) ?? null,
      categoryIds: String(r.category_ids ?? ''),
      storeScoped,
    },
    giftPriceFen: num(r.gift_price_fen),
    inScope: !storeScoped || (confirm ? Number(r.in_scope) === 1 : scope.includes(storeId)),
    usedWindows: new Set(windows.filter((_, i) => Number(r[`used_${i}`]) === 1)),
    phoneEnc: confirm ? null : ((r.phone_enc as string | null) ?? null),
    scope,
    prior:
      confirm && r.r_id !== null && r.r_id !== undefined
        ? redemptionView({
            id: Number(r.r_id),
            couponId: Number(r.r_coupon_id),
            storeId,
            clerkId: Number(r.r_clerk_id),
            orderAmountFen: Number(r.r_order_amount_fen),
            discountFen: Number(r.r_discount_fen),
            redeemedAt: at(r.r_redeemed_at),
            reversedAt: atOrNull(r.r_reversed_at),
            reversedBy: num(r.r_reversed_by),
            reverseReason: (r.r_reverse_reason as string | null) ?? null,
          })
        : null,
  };
}

interface Resolved {
  p: Presented;
  storeId: number;
  /** The window the code was made for, and whether it is still accepted. */
  w: number;
  fresh: boolean;
}

/**
 * Finds the coupon a presented code stands for, as far as this clerk's store may know, in one read. Unknown, forged,
 * mistyped codes and codes of coupons outside the store's scope all end in the same COUPON_CODE_INVALID, checked
 * before freshness, so a clerk of another store learns nothing (not even "expired").
 */
async function resolveCode(ctx: Ctx, em: EntityManager, staff: StaffActor, body: { token?: string; digits?: string }, now: Date, purpose: ReadFor): Promise<Resolved> {
  const invalid = () => new AppError('COUPON_CODE_INVALID');
  if (!staff.storeId) throw invalid();
  const storeId = staff.storeId;
  const secret = ctx.config.secrets.couponCodeSecret;
  let p: Presented | null;
  let w: number;
  let fresh: boolean;
  if (body.token) {
    const t = parseToken(body.token);
    if (!t) throw invalid();
    p = await readPresented(em, 'code', t.code, storeId, [t.w], purpose);
    if (!p || !tokenMacOk(secret, p.coupon.id, p.coupon.code, t.w, t.mac)) throw invalid();
    const verdict = windowVerdict(t.w, now);
    if (verdict === 'invalid') throw invalid();
    w = t.w;
    fresh = verdict === 'fresh';
  } else {
    const digits = body.digits ?? '';
    const freshWindows = candidateWindows(now).filter((c) => c.verdict === 'fresh').map((c) => c.w);
    p = await readPresented(em, 'handle', digits.slice(0, 6), storeId, freshWindows, purpose);
    const m = p ? matchDigits(secret, p.coupon.id, p.coupon.code, digits.slice(6), now) : null;
    if (!p || !m) throw invalid();
    w = m.w;
    fresh = m.verdict === 'fresh';
  }
  if (!p.inScope) throw invalid();
  return { p, storeId, w, fresh };
}

/** Why the coupon cannot be redeemed for this amount now (null = it can), and the discount when it can. */
function assess(p: Presented, orderAmountFen: number, now: Date): { discountFen: number; reason: ErrorCode | null } {
  const { coupon, template } = p;
  if (coupon.status === 'redeemed') return { discountFen: 0, reason: 'COUPON_ALREADY_REDEEMED' };
  if (coupon.status !== 'issued') return { discountFen: 0, reason: coupon.status === 'expired' ? 'COUPON_EXPIRED' : 'COUPON_NOT_USABLE' };
  if (!isValidAt(coupon, now)) return { discountFen: 0, reason: 'COUPON_EXPIRED' };
  // The one discount function, with one line: the amount the clerk typed. In store the clerk types the eligible
  // amount, so the category scope is already applied by the person at the till. A gift is worth its sale price.
  let unitCashFen = orderAmountFen;
  if (template.kind === 'gift') {
    if (p.giftPriceFen === null) return { discountFen: 0, reason: 'COUPON_NOT_USABLE' };
    unitCashFen = Math.min(p.giftPriceFen, orderAmountFen);
  }
  const d = couponDiscount({ ...termsOf(template), categoryIds: [] }, [{ sku: template.giftSku ?? '', categoryId: 0, lineCashFen: orderAmountFen, unitCashFen }]);
  if (!d.ok) return { discountFen: 0, reason: d.problem.code === 'COUPON_THRESHOLD_NOT_MET' ? 'COUPON_THRESHOLD_NOT_MET' : 'COUPON_NOT_USABLE' };
  return { discountFen: d.discountFen, reason: null };
}

/**
 * The clerk's preview (no change): the coupon, the member's masked phone (nothing else about them), the discount for
 * the typed amount and whether it can be redeemed. Code problems are errors (COUPON_CODE_INVALID / _EXPIRED /
 * _REPLAYED); coupon problems are `usable: false` with `reason`. Failed attempts are rate-limited per clerk (code-attempts.ts).
 */
export async function lookupRedemption(ctx: Ctx, staff: StaffActor, body: TRedemptionLookupBody): Promise<RedemptionLookupView> {
  const now = ctx.clock.now();
  return withCodeAttempt(ctx, staff.staffId, () =>
    ctx.db.read(async (em) => {
      const { p, w, fresh } = await resolveCode(ctx, em, staff, body, now, { kind: 'lookup' });
      if (!fresh) throw new AppError('COUPON_CODE_EXPIRED');
      if (p.usedWindows.has(w)) throw new AppError('COUPON_CODE_REPLAYED');
      const a = assess(p, body.orderAmountFen, now);
      return {
        coupon: couponView(p.coupon, p.template, p.scope),
        member: { phoneMasked: phoneMaskedOf(ctx.pii, p.phoneEnc) },
        discountFen: a.discountFen,
        usable: a.reason === null,
        ...(a.reason ? { reason: a.reason } : {}),
      };
    }),
  );
}

/**
 * Redeems a coupon in store (核销). Idempotent by (store, requestNo): a retry — even after the code has expired —
 * returns the same redemption; the same number for another coupon → IDEMPOTENCY_KEY_REUSED.
 * Checks in order: code genuine and in this store's scope (else COUPON_CODE_INVALID), a prior redemption of this
 * request (returned as is), code fresh (COUPON_CODE_EXPIRED), code window unused (COUPON_CODE_REPLAYED), coupon
 * issued and valid (COUPON_ALREADY_REDEEMED / COUPON_EXPIRED / COUPON_NOT_USABLE), threshold met (COUPON_THRESHOLD_NOT_MET).
 * They run on the one read, outside any transaction: a refusal or a retry costs that read and nothing else.
 * Exactly once: the conditional update issued → redeemed (affected rows checked) decides among concurrent clerks;
 * the (coupon, window) use row makes the code single-use; UNIQUE (store, requestNo) makes the request one row. One
 * transaction with the redemption row and `coupon.redeemed` — shared with the confirms arriving at the same moment
 * (`redeemGroup`), or alone when the group leaves it (`redeemOne`, which answers every race exactly).
 * Failed code attempts (COUPON_CODE_INVALID) are rate-limited per clerk: COUPON_CODE_ATTEMPTS_EXCEEDED (code-attempts.ts).
 */
export async function redeemCoupon(ctx: Ctx, staff: StaffActor, body: TRedeemBody): Promise<RedemptionView> {
  const now = ctx.clock.now();
  const outcome = await withCodeAttempt(ctx, staff.staffId, async (): Promise<RedemptionView | { priorId: number }> => {
    const r = await ctx.db.read((em) => resolveCode(ctx, em, staff, body, now, { kind: 'confirm', requestNo: body.requestNo }));
    const { p, w } = r;
    if (p.prior) {
      if (p.prior.couponId !== p.coupon.id) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return p.prior;
    }
    if (!r.fresh) throw new AppError('COUPON_CODE_EXPIRED');
    if (p.usedWindows.has(w)) throw new AppError('COUPON_CODE_REPLAYED');
    const a = assess(p, body.orderAmountFen, now);
    if (a.reason) throw new AppError(a.reason);
    const item: RedeemItem = {
      couponId: p.coupon.id,
      customerId: p.coupon.customerId,
      templateId: p.coupon.templateId,
      storeId: r.storeId,
      clerkId: staff.staffId,
      requestNo: body.requestNo,
      orderAmountFen: body.orderAmountFen,
      discountFen: a.discountFen,
      w,
    };
    const grouped = await redeemGrouper(ctx.db).submit(ctx, item);
    if (grouped.kind === 'done') return grouped.view;
    return ctx.db.transaction((tx) => redeemOne(tx, item, now));
  });
  if (!('priorId' in outcome)) return outcome;
  // Lost the race to a concurrent retry of the same request: read what it stored.
  return ctx.db.read(async (em) => redemptionView(await em.getRepository(Redemption).findOneByOrFail({ id: outcome.priorId })));
}

/** A confirm that passed every check on its read: what its writes need. */
interface RedeemItem {
  couponId: number;
  customerId: number;
  templateId: number;
  storeId: number;
  clerkId: number;
  requestNo: string;
  orderAmountFen: number;
  discountFen: number;
  /** The code window presented. */
  w: number;
}

type RedeemDone = { kind: 'done'; view: RedemptionView };

const UPDATE_SET = "UPDATE coupon SET status = 'redeemed', redeemed_at = ?, ";
/** Only an issued coupon inside its validity moves; updated_at as the query builder sets it for an @UpdateDateColumn. */
const UPDATE_WHERE = "updated_at = CURRENT_TIMESTAMP WHERE status = 'issued' AND valid_from <= ? AND valid_to >= ? AND id ";
const REDEMPTION_INSERT = 'INSERT INTO redemption (coupon_id, store_id, clerk_id, request_no, order_amount_fen, discount_fen, code_window, redeemed_at) VALUES ';
const CODE_USE_INSERT = 'INSERT INTO coupon_code_use (coupon_id, code_window, used_at) VALUES ';

const redeemedEvent = (it: RedeemItem, redemptionId: number, now: Date): PendingEvent => ({
  type: 'coupon.redeemed',
  payload: { couponId: it.couponId, customerId: it.customerId, templateId: it.templateId, storeId: it.storeId, clerkId: it.clerkId, orderId: null, redemptionId, discountFen: it.discountFen, at: now.toISOString() },
});

const viewOf = (it: RedeemItem, id: number, now: Date) =>
  redemptionView({ id, couponId: it.couponId, storeId: it.storeId, clerkId: it.clerkId, orderAmountFen: it.orderAmountFen, discountFen: it.discountFen, redeemedAt: now, reversedAt: null, reversedBy: null, reverseReason: null });

/** The auto-increment id of a one-row INSERT: mysql2 reports { insertId }, better-sqlite3 the lastInsertRowid itself. */
function insertedId(res: { raw: unknown }): number {
  const id = Number(typeof res.raw === 'object' && res.raw !== null ? (res.raw as { insertId: number }).insertId : res.raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error('redemption insert did not return an id');
  return id;
}

/**
 * Confirms that arrive together, written in ONE transaction (group commit, db/group-commit.ts): at a busy counter
 * each confirm would otherwise pay its own START, four writes and COMMIT. Per group, whatever its size n: the
 * conditional update of the n coupons, one multi-row insert each of the use rows, the redemption rows and the events,
 * and (n > 1) one read of the new redemption ids by their UNIQUE (store, requestNo). A group of one is exactly the
 * four writes of `redeemOne`.
 *
 * All or nothing: the update must move every coupon of the group (issued, still valid), and every insert must pass
 * its unique key; otherwise the group throws, rolls back, and each member takes `redeemOne`, which gives the exact
 * answer (another clerk won, the code was used meanwhile, a retry of the same request committed first…). A second
 * member for the same coupon or the same (store, requestNo) is left to `redeemOne` at once.
 */
async function redeemGroup(ctx: Ctx, tx: EntityManager, items: readonly RedeemItem[], now: Date): Promise<(RedeemDone | Deferred)[]> {
  const results: (RedeemDone | Deferred)[] = items.map(() => DEFER);
  const coupons = new Set<number>();
  const requests = new Set<string>();
  const members = items.flatMap((it, i) => {
    const request = `${it.storeId}:${it.requestNo}`;
    if (coupons.has(it.couponId) || requests.has(request)) return [];
    coupons.add(it.couponId);
    requests.add(request);
    return [i];
  });
  const rows = members.map((i) => items[i]);
  const n = rows.length;
  const t = sqlTime(now);
  const cases = rows.map(() => 'WHEN ? THEN ?').join(' ');
  const moved = await exec(
    tx,
    `${UPDATE_SET}redeemed_store_id = CASE id ${cases} END, redeemed_clerk_id = CASE id ${cases} END, ${UPDATE_WHERE}IN ${inList(rows)}`,
    [t, ...rows.flatMap((it) => [it.couponId, it.storeId]), ...rows.flatMap((it) => [it.couponId, it.clerkId]), t, t, ...rows.map((it) => it.couponId)],
  );
  if (moved !== n) throw new Error(`redeem group: ${moved} of ${n} coupons still issued`);
  await exec(tx, CODE_USE_INSERT + tuples(n, 3), rows.flatMap((it) => [it.couponId, it.w, t]));
  const res = (await tx.queryRunner!.query(
    REDEMPTION_INSERT + tuples(n, 8),
    rows.flatMap((it) => [it.couponId, it.storeId, it.clerkId, it.requestNo, it.orderAmountFen, it.discountFen, it.w, t]),
    true,
  )) as { raw: unknown };
  let ids: number[];
  if (n === 1) ids = [insertedId(res)];
  else {
    // a multi-row insert's ids are consecutive only under some auto-increment lock modes: read them by their key
    const stores = [...new Set(rows.map((it) => it.storeId))];
    const found = (await tx.query(`SELECT id, store_id, request_no FROM redemption WHERE store_id IN ${inList(stores)} AND request_no IN ${inList(rows)}`, [
      ...stores,
      ...rows.map((it) => it.requestNo),
    ])) as Row[];
    const byKey = new Map(found.map((f) => [`${Number(f.store_id)}:${String(f.request_no)}`, Number(f.id)]));
    ids = rows.map((it) => byKey.get(`${it.storeId}:${it.requestNo}`) ?? 0);
    if (ids.some((id) => !id)) throw new Error('redeem group: a redemption row was not found by its request number');
  }
  await emitAll(tx, rows.map((it, k) => redeemedEvent(it, ids[k], now)), now);
  members.forEach((i, k) => (results[i] = { kind: 'done', view: viewOf(rows[k], ids[k], now) }));
  return results;
}

/** The process's confirm grouper: up to 32 confirms a group, two groups in flight. */
const redeemGrouper = committerFor({ name: 'redeem group', maxGroup: 32, parallel: 2 }, redeemGroup);

/**
 * One confirm in its own transaction, with the exact answer to every race: the four writes when it wins; when the
 * conditional update misses, one read tells a concurrent retry of the same request (its redemption is returned)
 * from a used code (COUPON_CODE_REPLAYED) and another clerk's redemption (COUPON_ALREADY_REDEEMED).
 */
async function redeemOne(tx: EntityManager, it: RedeemItem, now: Date): Promise<RedemptionView | { priorId: number }> {
  const t = sqlTime(now);
  const won = await exec(tx, `${UPDATE_SET}redeemed_store_id = ?, redeemed_clerk_id = ?, ${UPDATE_WHERE}= ?`, [t, it.storeId, it.clerkId, t, t, it.couponId]);
  if (won !== 1) {
    const [row] = (await tx.query(
      'SELECT (SELECT r.id FROM redemption r WHERE r.store_id = ? AND r.request_no = ?) AS prior_id, ' +
        '(SELECT r.coupon_id FROM redemption r WHERE r.store_id = ? AND r.request_no = ?) AS prior_coupon, ' +
        'EXISTS(SELECT 1 FROM coupon_code_use u WHERE u.coupon_id = ? AND u.code_window = ?) AS used',
      [it.storeId, it.requestNo, it.storeId, it.requestNo, it.couponId, it.w],
    )) as Row[];
    if (row.prior_id !== null && row.prior_id !== undefined) {
      if (Number(row.prior_coupon) !== it.couponId) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return { priorId: Number(row.prior_id) };
    }
    throw new AppError(Number(row.used) === 1 ? 'COUPON_CODE_REPLAYED' : 'COUPON_ALREADY_REDEEMED');
  }
  try {
    await exec(tx, `${CODE_USE_INSERT}(?, ?, ?)`, [it.couponId, it.w, t]);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new AppError('COUPON_CODE_REPLAYED');
    throw err;
  }
  let id: number;
  try {
    id = insertedId(
      (await tx.queryRunner!.query(`${REDEMPTION_INSERT}(?, ?, ?, ?, ?, ?, ?, ?)`, [it.couponId, it.storeId, it.clerkId, it.requestNo, it.orderAmountFen, it.discountFen, it.w, t], true)) as {
        raw: unknown;
      },
    );
  } catch (err) {
    // The same requestNo used for another coupon at the same moment.
    if (isDuplicateKeyError(err)) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    throw err;
  }
  await emitAll(tx, [redeemedEvent(it, id, now)], now);
  return viewOf(it, id, now);
}

/**
 * Reverses an in-store redemption (a till void): only the redeeming store (another store's → NOT_FOUND), within
 * the reversal window (REDEMPTION_REVERSAL_WINDOW_MINUTES; else REDEMPTION_NOT_REVERSIBLE). Audited on the row (who, when, why) and by
 * `coupon.redemption_reversed`. The coupon goes back to issued if still valid, else expired. Exactly once: the
 * redemption moves by `reversed_at IS NULL` and the coupon by `status = 'redeemed'`; a second reversal returns the
 * reversed row unchanged.
 */
export async function reverseRedemption(ctx: Ctx, staff: StaffActor, redemptionId: number, reason: string): Promise<RedemptionView> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const red = await ctx.db.forUpdate(tx.getRepository(Redemption).createQueryBuilder('r').where('r.id = :redemptionId', { redemptionId })).getOne();
    if (!red || !staff.storeId || red.storeId !== staff.storeId) throw new AppError('NOT_FOUND', 'Redemption not found');
    if (red.reversedAt) return;
    if (now.getTime() - red.redeemedAt.getTime() > reversalWindowMs(ctx)) throw new AppError('REDEMPTION_NOT_REVERSIBLE');
    const marked = await tx
      .createQueryBuilder()
      .update(Redemption)
      .set({ reversedAt: now, reversedBy: staff.staffId, reverseReason: reason })
      .where('id = :redemptionId AND reversed_at IS NULL', { redemptionId })
      .execute();
    if (marked.affected !== 1) return;
    const coupon = await tx.getRepository(Coupon).findOneByOrFail({ id: red.couponId });
    const back = coupon.validTo.getTime() >= now.getTime() ? 'issued' : 'expired';
    const restored = await tx
      .createQueryBuilder()
      .update(Coupon)
      .set({ status: back, redeemedAt: null, redeemedStoreId: null, redeemedClerkId: null })
      .where("id = :id AND status = 'redeemed' AND locked_order_id IS NULL", { id: red.couponId })
      .execute();
    if (restored.affected !== 1) throw new AppError('CONFLICT', 'The coupon is not in the redeemed state');
    await emit(tx, 'coupon.redemption_reversed', { redemptionId, couponId: red.couponId, storeId: red.storeId, by: staff.staffId, reason, couponStatus: back, at: now.toISOString() }, now);
  });
  return ctx.db.read(async (em) => redemptionView(await em.getRepository(Redemption).findOneByOrFail({ id: redemptionId })));
}

export function redemptionView(r: Pick<Redemption, 'id' | 'couponId' | 'storeId' | 'clerkId' | 'orderAmountFen' | 'discountFen' | 'redeemedAt' | 'reversedAt' | 'reversedBy' | 'reverseReason'>): RedemptionView {
  return {
    id: r.id,
    couponId: r.couponId,
    storeId: r.storeId,
    clerkId: r.clerkId,
    orderAmountFen: r.orderAmountFen,
    discountFen: r.discountFen,
    createdAt: r.redeemedAt.toISOString(),
    reversedAt: r.reversedAt ? r.reversedAt.toISOString() : null,
    reversedBy: r.reversedBy,
    reverseReason: r.reverseReason,
  };
}
