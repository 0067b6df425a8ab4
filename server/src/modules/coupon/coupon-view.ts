import { In, type EntityManager } from 'typeorm';
import type { CouponTemplateView, CouponTerms, CouponView } from '@o2o/shared';
import { CouponTemplate, CouponTemplateStore } from './coupon-template.entity';
import type { Coupon } from './coupon.entity';

export const categoryIdsOf = (t: Pick<CouponTemplate, 'categoryIds'>): number[] => (t.categoryIds ? t.categoryIds.split(',').map(Number) : []);

/** The template columns a coupon's terms and view need (the redemption path reads just these, in its one query). */
export type TemplateTerms = Pick<CouponTemplate, 'kind' | 'thresholdFen' | 'amountOffFen' | 'percentOff' | 'maxDiscountFen' | 'giftSku' | 'categoryIds'>;
export type TemplateOfView = TemplateTerms & Pick<CouponTemplate, 'title' | 'description'>;
export type CouponOfView = Pick<Coupon, 'id' | 'templateId' | 'status' | 'source' | 'validFrom' | 'validTo' | 'redeemedAt'>;

/** The template's pricing terms for `couponDiscount`/`priceOrder` (shared/src/pricing.ts). */
export function termsOf(t: TemplateTerms): CouponTerms {
  return {
    kind: t.kind,
    thresholdFen: t.thresholdFen,
    amountOffFen: t.amountOffFen,
    percentOff: t.percentOff,
    maxDiscountFen: t.maxDiscountFen,
    giftSku: t.giftSku,
    categoryIds: categoryIdsOf(t),
  };
}

/** Store scope of templates: templateId → storeIds ([] = every store). */
export async function storeScopes(em: EntityManager, templates: CouponTemplate[]): Promise<Map<number, number[]>> {
  const scoped = templates.filter((t) => t.storeScoped).map((t) => t.id);
  const rows = scoped.length ? await em.getRepository(CouponTemplateStore).find({ where: { templateId: In(scoped) }, order: { storeId: 'ASC' } }) : [];
  const out = new Map<number, number[]>(templates.map((t) => [t.id, []]));
  for (const r of rows) out.get(r.templateId)?.push(r.storeId);
  return out;
}

/** Is `storeId` in the template's scope? (one indexed point read when the template is scoped) */
export async function inStoreScope(em: EntityManager, t: CouponTemplate, storeId: number): Promise<boolean> {
  if (!t.storeScoped) return true;
  return em.getRepository(CouponTemplateStore).exists({ where: { templateId: t.id, storeId } });
}

export function templateView(t: CouponTemplate, storeIds: number[]): CouponTemplateView {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    kind: t.kind,
    thresholdFen: t.thresholdFen,
    amountOffFen: t.amountOffFen,
    percentOff: t.percentOff,
    maxDiscountFen: t.maxDiscountFen,
    giftSku: t.giftSku,
    validFrom: t.validFrom ? t.validFrom.toISOString() : null,
    validTo: t.validTo ? t.validTo.toISOString() : null,
    validDays: t.validDays,
    totalStock: t.totalStock,
    issuedCount: t.issuedCount,
    perCustomerLimit: t.perCustomerLimit,
    storeIds,
    categoryIds: categoryIdsOf(t),
    claimable: t.claimable,
    welcome: t.welcome,
    status: t.status,
    createdAt: t.createdAt.toISOString(),
  };
}

export function couponView(c: CouponOfView, t: TemplateOfView, storeIds: number[]): CouponView {
  const v: CouponView = {
    id: c.id,
    templateId: c.templateId,
    title: t.title,
    description: t.description,
    kind: t.kind,
    thresholdFen: t.thresholdFen,
    storeIds,
    status: c.status,
    source: c.source,
    validFrom: c.validFrom.toISOString(),
    validTo: c.validTo.toISOString(),
    redeemedAt: c.redeemedAt ? c.redeemedAt.toISOString() : null,
  };
  if (t.amountOffFen !== null) v.amountOffFen = t.amountOffFen;
  if (t.percentOff !== null) v.percentOff = t.percentOff;
  if (t.maxDiscountFen !== null) v.maxDiscountFen = t.maxDiscountFen;
  if (t.giftSku !== null) v.giftSku = t.giftSku;
  return v;
}

/** Views of coupons with their templates and scopes, in the given order. */
export async function couponViews(em: EntityManager, coupons: Coupon[]): Promise<CouponView[]> {
  if (coupons.length === 0) return [];
  const templates = await em.getRepository(CouponTemplate).findBy({ id: In([...new Set(coupons.map((c) => c.templateId))]) });
  const byId = new Map(templates.map((t) => [t.id, t]));
  const scopes = await storeScopes(em, templates);
  return coupons.map((c) => couponView(c, byId.get(c.templateId) as CouponTemplate, scopes.get(c.templateId) ?? []));
}
