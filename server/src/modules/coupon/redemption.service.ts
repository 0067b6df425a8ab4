import type { EntityManager } from 'typeorm';
import { couponDiscount, type ErrorCode, type RedemptionLookupView, type RedemptionView, type TRedeemBody, type TRedemptionLookupBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { emit } from '../../events/outbox';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { Product } from '../catalogue/product.entity';
import { Customer } from '../customer/customer.entity';
import { phoneMaskedOf } from '../customer/customer-view';
import { CouponTemplate } from './coupon-template.entity';
import { couponView, inStoreScope, storeScopes, termsOf } from './coupon-view';
import { Coupon } from './coupon.entity';
import { matchDigits, parseToken, tokenMacOk, windowVerdict } from './coupon-code';
import { CouponCodeUse, Redemption } from './redemption.entity';
import { isValidAt } from './validity';
import { withCodeAttempt } from './code-attempts';

/** How long after a redemption its store may reverse it (REDEMPTION_REVERSAL_WINDOW_MINUTES, default 24 h: a till's "void" covers the same business day and then some). */
export const reversalWindowMs = (ctx: Ctx) => ctx.config.rules.redemptionReversalWindowMinutes * 60_000;

interface Resolved {
  coupon: Coupon;
  template: CouponTemplate;
  storeId: number;
  w: number;
  fresh: boolean;
}

/**
 * Finds the coupon a presented code stands for, as far as this clerk's store may know. Unknown, forged, mistyped
 * codes and codes of coupons outside the store's scope all end in the same COUPON_CODE_INVALID, checked before
 * freshness, so a clerk of another store learns nothing (not even "expired").
 */
async function resolveCode(ctx: Ctx, em: EntityManager, staff: StaffActor, body: { token?: string; digits?: string }, now: Date): Promise<Resolved> {
  const invalid = () => new AppError('COUPON_CODE_INVALID');
  if (!staff.storeId) throw invalid();
  const secret = ctx.config.secrets.couponCodeSecret;
  let coupon: CouponWithTemplate | null;
  let w: number;
  let fresh: boolean;
  if (body.token) {
    const p = parseToken(body.token);
    if (!p) throw invalid();
    coupon = await couponWithTemplate(em, 'code', p.code);
    if (!coupon || !tokenMacOk(secret, coupon.id, coupon.code, p.w, p.mac)) throw invalid();
    const verdict = windowVerdict(p.w, now);
    if (verdict === 'invalid') throw invalid();
    w = p.w;
    fresh = verdict === 'fresh';
  } else {
    const digits = body.digits ?? '';
    coupon = await couponWithTemplate(em, 'handle', digits.slice(0, 6));
    const m = coupon ? matchDigits(secret, coupon.id, coupon.code, digits.slice(6), now) : null;
    if (!coupon || !m) throw invalid();
    w = m.w;
    fresh = m.verdict === 'fresh';
  }
  const { template, ...plain } = coupon;
  if (!(await inStoreScope(em, template, staff.storeId))) throw invalid();
  return { coupon: plain as Coupon, template, storeId: staff.storeId, w, fresh };
}

type CouponWithTemplate = Coupon & { template: CouponTemplate };

/** The coupon with its template in one round trip (both are needed for every code presented at a till). */
function couponWithTemplate(em: EntityManager, by: 'code' | 'handle', value: string): Promise<CouponWithTemplate | null> {
  return em
    .getRepository(Coupon)
    .createQueryBuilder('c')
    .innerJoinAndMapOne('c.template', CouponTemplate, 't', 't.id = c.template_id')
    .where(by === 'code' ? 'c.code = :value' : 'c.handle = :value', { value })
    .getOne() as Promise<CouponWithTemplate | null>;
}

/** Why the coupon cannot be redeemed for this amount now (null = it can), and the discount when it can. */
async function assess(em: EntityManager, r: Resolved, orderAmountFen: number, now: Date): Promise<{ discountFen: number; reason: ErrorCode | null }> {
  const { coupon, template } = r;
  if (coupon.status === 'redeemed') return { discountFen: 0, reason: 'COUPON_ALREADY_REDEEMED' };
  if (coupon.status !== 'issued') return { discountFen: 0, reason: coupon.status === 'expired' ? 'COUPON_EXPIRED' : 'COUPON_NOT_USABLE' };
  if (!isValidAt(coupon, now)) return { discountFen: 0, reason: 'COUPON_EXPIRED' };
  // The one discount function, with one line: the amount the clerk typed. In store the clerk types the eligible
  // amount, so the category scope is already applied by the person at the till. A gift is worth its sale price.
  let unitCashFen = orderAmountFen;
  if (template.kind === 'gift') {
    const gift = await em.getRepository(Product).findOne({ where: { sku: template.giftSku ?? '' }, select: { id: true, priceFen: true } });
    if (!gift) return { discountFen: 0, reason: 'COUPON_NOT_USABLE' };
    unitCashFen = Math.min(gift.priceFen, orderAmountFen);
  }
  const d = couponDiscount({ ...termsOf(template), categoryIds: [] }, [{ sku: template.giftSku ?? '', categoryId: 0, lineCashFen: orderAmountFen, unitCashFen }]);
  if (!d.ok) return { discountFen: 0, reason: d.problem.code === 'COUPON_THRESHOLD_NOT_MET' ? 'COUPON_THRESHOLD_NOT_MET' : 'COUPON_NOT_USABLE' };
  return { discountFen: d.discountFen, reason: null };
}

async function freshAndUnused(em: EntityManager, r: Resolved): Promise<void> {
  if (!r.fresh) throw new AppError('COUPON_CODE_EXPIRED');
  if (await em.getRepository(CouponCodeUse).existsBy({ couponId: r.coupon.id, codeWindow: r.w })) throw new AppError('COUPON_CODE_REPLAYED');
}

/**
 * The clerk's preview (no change): the coupon, the member's masked phone (nothing else about them), the discount for
 * the typed amount and whether it can be redeemed. Code problems are errors (COUPON_CODE_INVALID / _EXPIRED /
 * _REPLAYED); coupon problems are `usable: false` with `reason`. Failed attempts are rate-limited per clerk (code-attempts.ts).
 */
export async function lookupRedemption(ctx: Ctx, staff: StaffActor, body: TRedemptionLookupBody): Promise<RedemptionLookupView> {
  const now = ctx.clock.now();
  return withCodeAttempt(ctx, staff.staffId, () => ctx.db.read(async (em) => {
    const r = await resolveCode(ctx, em, staff, body, now);
    await freshAndUnused(em, r);
    const a = await assess(em, r, body.orderAmountFen, now);
    const customer = await em.getRepository(Customer).findOne({ where: { id: r.coupon.customerId }, select: { id: true, phoneEnc: true } });
    const scope = (await storeScopes(em, [r.template])).get(r.template.id) ?? [];
    return {
      coupon: couponView(r.coupon, r.template, scope),
      member: { phoneMasked: customer ? phoneMaskedOf(ctx.pii, customer.phoneEnc) : null },
      discountFen: a.discountFen,
      usable: a.reason === null,
      ...(a.reason ? { reason: a.reason } : {}),
    };
  }));
}

/**
 * Redeems a coupon in store (核销). Idempotent by (store, requestNo): a retry — even after the code has expired —
 * returns the same redemption; the same number for another coupon → IDEMPOTENCY_KEY_REUSED.
 * Checks in order: code genuine and in this store's scope (else COUPON_CODE_INVALID), code fresh (COUPON_CODE_EXPIRED),
 * code window unused (COUPON_CODE_REPLAYED), coupon issued and valid (COUPON_ALREADY_REDEEMED / COUPON_EXPIRED /
 * COUPON_NOT_USABLE), threshold met (COUPON_THRESHOLD_NOT_MET).
 * Exactly once: the conditional update issued → redeemed (affected rows checked) decides among concurrent clerks;
 * the (coupon, window) use row makes the code single-use. One transaction with the redemption row and `coupon.redeemed`.
 * Failed code attempts (COUPON_CODE_INVALID) are rate-limited per clerk: COUPON_CODE_ATTEMPTS_EXCEEDED (code-attempts.ts).
 */
export async function redeemCoupon(ctx: Ctx, staff: StaffActor, body: TRedeemBody): Promise<RedemptionView> {
  const now = ctx.clock.now();
  let made: Redemption | null = null;
  const id = await withCodeAttempt(ctx, staff.staffId, () => ctx.db.transaction(async (tx) => {
    made = null;
    const r = await resolveCode(ctx, tx, staff, body, now);
    // The request's prior redemption (a retry) and the code's use, in one round trip: at a busy till most
    // attempts of a contested coupon are refusals, and this is most of their work.
    const probe = async () => {
      const [row] = (await tx.query(
        'SELECT (SELECT r.id FROM redemption r WHERE r.store_id = ? AND r.request_no = ?) AS prior_id, ' +
          '(SELECT r.coupon_id FROM redemption r WHERE r.store_id = ? AND r.request_no = ?) AS prior_coupon, ' +
          '(SELECT COUNT(*) FROM coupon_code_use u WHERE u.coupon_id = ? AND u.code_window = ?) AS used',
        [r.storeId, body.requestNo, r.storeId, body.requestNo, r.coupon.id, r.w],
      )) as { prior_id: number | string | null; prior_coupon: number | string | null; used: number | string }[];
      if (row.prior_id !== null && Number(row.prior_coupon) !== r.coupon.id) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return { prior: row.prior_id === null ? null : Number(row.prior_id), used: Number(row.used) > 0 };
    };
    const first = await probe();
    if (first.prior) return first.prior;
    if (!r.fresh) throw new AppError('COUPON_CODE_EXPIRED');
    if (first.used) throw new AppError('COUPON_CODE_REPLAYED');
    const a = await assess(tx, r, body.orderAmountFen, now);
    if (a.reason) throw new AppError(a.reason);

    const won = await tx
      .createQueryBuilder()
      .update(Coupon)
      .set({ status: 'redeemed', redeemedAt: now, redeemedStoreId: r.storeId, redeemedClerkId: staff.staffId })
      .where("id = :id AND status = 'issued' AND valid_from <= :now AND valid_to >= :now", { id: r.coupon.id, now })
      .execute();
    if (won.affected !== 1) {
      // Lost the race: the same request committed by a concurrent retry, or another clerk redeemed it.
      const after = await probe();
      if (after.prior) return after.prior;
      throw new AppError(after.used ? 'COUPON_CODE_REPLAYED' : 'COUPON_ALREADY_REDEEMED');
    }
    if (!(await ctx.db.insertOnce(tx, CouponCodeUse, { couponId: r.coupon.id, codeWindow: r.w, usedAt: now }))) throw new AppError('COUPON_CODE_REPLAYED');
    let redemptionId: number;
    const row = {
      couponId: r.coupon.id,
      storeId: r.storeId,
      clerkId: staff.staffId,
      requestNo: body.requestNo,
      orderAmountFen: body.orderAmountFen,
      discountFen: a.discountFen,
      codeWindow: r.w,
      redeemedAt: now,
      reversedAt: null,
      reversedBy: null,
      reverseReason: null,
    };
    try {
      redemptionId = await ctx.db.insertReturningId(tx, Redemption, row);
      made = { ...row, id: redemptionId } as Redemption;
    } catch (err) {
      // The same requestNo used for another coupon at the same moment.
      if (isDuplicateKeyError(err)) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      throw err;
    }
    await emit(
      tx,
      'coupon.redeemed',
      { couponId: r.coupon.id, customerId: r.coupon.customerId, templateId: r.coupon.templateId, storeId: r.storeId, clerkId: staff.staffId, orderId: null, redemptionId, discountFen: a.discountFen, at: now.toISOString() },
      now,
    );
    return redemptionId;
  }));
  // A new redemption's view is known; a repeat (or a lost race to the same request) reads the stored one.
  const mine = made as Redemption | null;
  if (mine && mine.id === id) return redemptionView(mine);
  return ctx.db.read(async (em) => redemptionView(await em.getRepository(Redemption).findOneByOrFail({ id })));
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

export function redemptionView(r: Redemption): RedemptionView {
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
