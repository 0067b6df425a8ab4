import type { ProductView, TCreateProductBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
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
    await ctx.db.insertOnce(tx, Category, { name: cmd.category });
    const category = await tx.getRepository(Category).findOneByOrFail({ name: cmd.category });
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
