import { IsNull, type EntityManager } from 'typeorm';
import type { ProductView, TCreateProductBody, TUpdateProductBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { Tag } from '../tag/tag.entity';
import { Category } from './category.entity';
import { Product } from './product.entity';

function productView(p: Product, category: string): ProductView {
  const v: ProductView = { sku: p.sku, name: p.name, categoryId: p.categoryId, category, priceFen: p.priceFen };
  if (p.memberPriceFen !== null) v.memberPriceFen = p.memberPriceFen;
  if (p.memberPoints !== null) v.memberPoints = p.memberPoints;
  return v;
}

/** Creates a SKU; its category is found or created by name. SKU unique. Prices in fen. */
export async function createProduct(ctx: Ctx, cmd: TCreateProductBody): Promise<ProductView> {
  return ctx.db.transaction(async (tx) => {
    const category = await ensureCategory(ctx, tx, cmd.category);
    const inserted = await ctx.db.insertOnce(tx, Product, {
      sku: cmd.sku,
      name: cmd.name,
      categoryId: category.id,
      priceFen: cmd.priceFen,
      memberPriceFen: cmd.memberPriceFen ?? null,
      memberPoints: cmd.memberPriceFen !== undefined ? (cmd.memberPoints ?? 0) : null,
      status: 'active',
    });
    if (!inserted) throw new AppError('SKU_TAKEN');
    return productView(await tx.getRepository(Product).findOneByOrFail({ sku: cmd.sku }), category.name);
  });
}

/**
 * Changes a SKU's name, prices or status. The member price stays consistent: points need a cash price and
 * the member cash price never exceeds the sale price (checked on the result, under the row lock).
 */
export async function updateProduct(ctx: Ctx, sku: string, cmd: TUpdateProductBody): Promise<ProductView> {
  return ctx.db.transaction(async (tx) => {
    const p = await ctx.db.forUpdate(tx.getRepository(Product).createQueryBuilder('p').where('p.sku = :sku', { sku })).getOne();
    if (!p) throw new AppError('NOT_FOUND', 'Product not found');
    const next = { ...p, ...cmd };
    if (cmd.memberPriceFen === null) next.memberPoints = null;
    else if (next.memberPriceFen !== null && next.memberPoints === null) next.memberPoints = 0;
    if (next.memberPoints !== null && next.memberPriceFen === null)
      throw new AppError('VALIDATION_FAILED', 'member points need a member cash price', [{ path: 'memberPriceFen', message: 'required with memberPoints' }]);
    if (next.memberPriceFen !== null && next.memberPriceFen > next.priceFen)
      throw new AppError('VALIDATION_FAILED', 'member price cannot exceed the sale price', [{ path: 'memberPriceFen', message: 'above priceFen' }]);
    await tx.getRepository(Product).update({ id: p.id }, { name: next.name, priceFen: next.priceFen, memberPriceFen: next.memberPriceFen, memberPoints: next.memberPoints, status: next.status });
    const category = await tx.getRepository(Category).findOneByOrFail({ id: p.categoryId });
    return productView(await tx.getRepository(Product).findOneByOrFail({ id: p.id }), category.name);
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
