import type { StoreView, TCreateStoreBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { AppError } from '../../lib/app-error';
import { randomCode } from '../../lib/crypto';
import { Store } from './store.entity';

export const storeView = (s: Store): StoreView => ({ id: s.id, code: s.code, name: s.name, city: s.city, address: s.address, status: s.status });

export async function createStore(ctx: Ctx, cmd: TCreateStoreBody): Promise<StoreView> {
  const store = await ctx.db.transaction(async (tx) => {
    const repo = tx.getRepository(Store);
    try {
      return await repo.save(repo.create({ code: cmd.code ?? `S${randomCode(7)}`, name: cmd.name, city: cmd.city ?? null, address: cmd.address ?? null, status: 'active' }));
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('CONFLICT', 'Store code exists');
      throw err;
    }
  });
  return storeView(store);
}

export async function listStores(ctx: Ctx): Promise<StoreView[]> {
  const rows = await ctx.db.read((em) => em.getRepository(Store).find({ order: { id: 'ASC' }, take: 5000 }));
  return rows.map(storeView);
}
