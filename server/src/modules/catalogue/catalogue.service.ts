import { IsNull, type EntityManager } from 'typeorm';
import { MEMBER_PRICE_RULE, type CategoryView, type ConsoleProductView, type PagedList, type ProductView, type TCreateProductBody, type TProductListQuery, type TUpdateProductBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { pageOf } from '../audit/paged';
import { likeText } from '../store/store.service';
import { Tag } from '../tag/tag.entity';
import { Category } from './category.entity';
import { Product } from './product.entity';

function productView(p: Product, category: string): ProductView {
  const v: ProductView = { sku: p.sku, name: p.name, categoryId: p.categoryId, category, priceFen: p.priceFen };
  if (p.memberPriceFen !== null) v.memberPriceFen = p.memberPriceFen;
  if (p.memberPoints !== null) v.memberPoints = p.memberPoints;
  if (p.memberPointsGiven !== null && p.memberPointsGiven > 0) v.memberPointsGiven = p.memberPointsGiven;
  return v;
}

const consoleProductView = (p: Product, category: string): ConsoleProductView => ({
  id: p.id,
  ...productView(p, category),
  status: p.status,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

type MemberPrice = Pick<Product, 'memberPriceFen' | 'memberPoints' | 'memberPointsGiven'>;

/**
 * The member price a SKU will have: the stored one with the command's fields over it. Invariants (the CHECK
 * `chk_product_points_spent_or_given` is the last line): without a member cash price there are no points either
 * way; with one, `memberPoints` is a number (0 = cash only) and `memberPointsGiven` is a positive number or null;
 * points are spent or given, never both; the member cash price never exceeds the sale price. A PATCH that would
 * break one is refused with VALIDATION_FAILED naming the field, nothing written.
 */
function settleMemberPrice(current: MemberPrice, cmd: Partial<Record<keyof MemberPrice, number | null | undefined>>, priceFen: number): MemberPrice {
  const pick = <K extends keyof MemberPrice>(k: K) => (cmd[k] !== undefined ? (cmd[k] as number | null) : current[k]);
  const price = pick('memberPriceFen');
  if (price === null) {
    if ((cmd.memberPoints ?? 0) > 0 || (cmd.memberPointsGiven ?? 0) > 0) throw invalid('memberPriceFen', MEMBER_PRICE_RULE.pointsNeedPrice);
    return { memberPriceFen: null, memberPoints: null, memberPointsGiven: null };
  }
  const spent = pick('memberPoints') ?? 0;
  const given = pick('memberPointsGiven') || null;
  if (spent > 0 && given !== null) throw invalid('memberPointsGiven', MEMBER_PRICE_RULE.spentAndGiven);
  if (price > priceFen) throw invalid('memberPriceFen', MEMBER_PRICE_RULE.aboveSalePrice);
  return { memberPriceFen: price, memberPoints: spent, memberPointsGiven: given };
}

const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ path, message }]);

/** How an audit entry reads a member price: "¥1.90+6积分", "¥29.90送30积分", "无". */
const memberPriceText = (m: MemberPrice) =>
  m.memberPriceFen === null ? '无' : `¥${(m.memberPriceFen / 100).toFixed(2)}${m.memberPointsGiven ? `送${m.memberPointsGiven}积分` : m.memberPoints ? `+${m.memberPoints}积分` : ''}`;

/**
 * Creates a SKU; its category is found or created by name. SKU unique (SKU_TAKEN). Prices in fen. `actor` is the
 * console user (audited); the seed and fixtures create without one.
 */
export async function createProduct(ctx: Ctx, cmd: TCreateProductBody, actor: StaffActor | null = null): Promise<ConsoleProductView> {
  const member = settleMemberPrice({ memberPriceFen: null, memberPoints: null, memberPointsGiven: null }, cmd, cmd.priceFen);
  return ctx.db.transaction(async (tx) => {
    const category = await ensureCategory(ctx, tx, cmd.category);
    const inserted = await ctx.db.insertOnce(tx, Product, { sku: cmd.sku, name: cmd.name, categoryId: category.id, priceFen: cmd.priceFen, ...member, status: 'active' });
    if (!inserted) throw new AppError('SKU_TAKEN');
    const saved = await tx.getRepository(Product).findOneByOrFail({ sku: cmd.sku });
    if (actor)
      await audit(tx, actor, {
        action: 'product.create',
        targetType: 'product',
        targetId: saved.id,
        summary: `新建商品 ${saved.sku} ${saved.name}：售价 ¥${(saved.priceFen / 100).toFixed(2)}，会员价 ${memberPriceText(saved)}`,
        details: { sku: saved.sku, category: category.name, priceFen: saved.priceFen, ...member },
      });
    return consoleProductView(saved, category.name);
  });
}

/**
 * Changes a SKU's name, category, prices or status (上架/下架), under the row lock. The member price is judged as it
 * will be (settleMemberPrice). Only fields that differ are written and audited; an edit that changes nothing writes
 * nothing. Orders keep the prices they were placed at.
 */
export async function updateProduct(ctx: Ctx, sku: string, cmd: TUpdateProductBody, actor: StaffActor | null = null): Promise<ConsoleProductView> {
  return ctx.db.transaction(async (tx) => {
    const repo = tx.getRepository(Product);
    const p = await ctx.db.forUpdate(repo.createQueryBuilder('p').where('p.sku = :sku', { sku })).getOne();
    if (!p) throw new AppError('NOT_FOUND', 'Product not found');
    const priceFen = cmd.priceFen ?? p.priceFen;
    const member = settleMemberPrice(p, cmd, priceFen);
    const categoryId = cmd.category !== undefined ? (await ensureCategory(ctx, tx, cmd.category)).id : p.categoryId;
    const next: Partial<Product> = { name: cmd.name ?? p.name, categoryId, priceFen, ...member, status: cmd.status ?? p.status };
    const diff: Record<string, { from: unknown; to: unknown }> = {};
    for (const [k, v] of Object.entries(next) as [keyof Product, unknown][]) if (p[k] !== v) diff[k] = { from: p[k], to: v };
    const keys = Object.keys(diff);
    if (keys.length > 0) {
      await repo.update({ id: p.id }, Object.fromEntries(keys.map((k) => [k, diff[k].to])));
      const onlyStatus = keys.length === 1 && keys[0] === 'status';
      const summary = onlyStatus
        ? `${next.status === 'active' ? '上架' : '下架'}商品 ${p.sku} ${p.name}`
        : `修改商品 ${p.sku}：${keys.join('、')}${keys.some((k) => k.startsWith('member')) ? `（会员价 ${memberPriceText(p)} → ${memberPriceText(member)}）` : ''}`;
      if (actor) await audit(tx, actor, { action: 'product.update', targetType: 'product', targetId: p.id, summary, details: diff });
    }
    const category = await tx.getRepository(Category).findOneByOrFail({ id: categoryId });
    return consoleProductView(await repo.findOneByOrFail({ id: p.id }), category.name);
  });
}

/** Finds or creates the category and its category-preference tag (same name, group `category`). */
async function ensureCategory(ctx: Ctx, tx: EntityManager, name: string): Promise<Category> {
  await ctx.db.insertOnce(tx, Tag, { name, tagGroup: 'category' });
  const tag = await tx.getRepository(Tag).findOneByOrFail({ name, tagGroup: 'category' });
  await ctx.db.insertOnce(tx, Category, { name, tagId: tag.id });
  await tx.getRepository(Category).update({ name, tagId: IsNull() }, { tagId: tag.id });
  return tx.getRepository(Category).findOneByOrFail({ name });
}

/** The menu: every active SKU (the mini-program, and the console's pickers through the unpaged admin list). */
export async function listProducts(ctx: Ctx): Promise<ProductView[]> {
  return ctx.db.read(async (em) => {
    const [products, categories] = await Promise.all([
      em.getRepository(Product).find({ where: { status: 'active' }, order: { categoryId: 'ASC', sku: 'ASC' }, take: 5000 }),
      em.getRepository(Category).find(),
    ]);
    const names = new Map(categories.map((c) => [c.id, c.name]));
    return products.map((p) => productView(p, names.get(p.categoryId) ?? ''));
  });
}

const SORT_COLUMN = { sku: 'p.sku', priceFen: 'p.price_fen', updatedAt: 'p.updated_at' } as const;

/**
 * The console's product list, offset-paged: every status. `q` matches SKU or name (contains, literal); category,
 * status and the kind of member price (none / cash only / spends points / gives points) exact. Default order: newest
 * first (a SKU just created is on the first page).
 */
export async function listConsoleProducts(ctx: Ctx, q: TProductListQuery): Promise<PagedList<ConsoleProductView>> {
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Product).createQueryBuilder('p');
    if (q.q) qb.andWhere("(p.sku LIKE :q ESCAPE '!' OR p.name LIKE :q ESCAPE '!')", { q: likeText(q.q) });
    if (q.categoryId !== undefined) qb.andWhere('p.category_id = :categoryId', { categoryId: q.categoryId });
    if (q.status) qb.andWhere('p.status = :status', { status: q.status });
    if (q.memberPrice === 'none') qb.andWhere('p.member_price_fen IS NULL');
    if (q.memberPrice === 'cash') qb.andWhere('p.member_price_fen IS NOT NULL AND COALESCE(p.member_points, 0) = 0 AND COALESCE(p.member_points_given, 0) = 0');
    if (q.memberPrice === 'spend') qb.andWhere('p.member_points > 0');
    if (q.memberPrice === 'give') qb.andWhere('p.member_points_given > 0');
    if (q.sort) {
      const dir = q.order === 'descend' ? 'DESC' : 'ASC';
      qb.orderBy(SORT_COLUMN[q.sort], dir).addOrderBy('p.id', dir);
    } else qb.orderBy('p.id', 'DESC');
    const { rows, total, totalCapped } = await pageOf(em, qb, q.current, q.pageSize);
    const names = await categoryNames(em);
    const items = rows.map((p) => consoleProductView(p, names.get(p.categoryId) ?? ''));
    return totalCapped ? { items, total, totalCapped } : { items, total };
  });
}

/** Every category, by name (the list's filter, the form's suggestions). */
export async function listCategories(ctx: Ctx): Promise<CategoryView[]> {
  return ctx.db.read(async (em) => (await em.getRepository(Category).find({ order: { name: 'ASC' }, take: 1000 })).map((c) => ({ id: c.id, name: c.name })));
}

async function categoryNames(em: EntityManager): Promise<Map<number, string>> {
  return new Map((await em.getRepository(Category).find({ select: { id: true, name: true } })).map((c) => [c.id, c.name]));
}
