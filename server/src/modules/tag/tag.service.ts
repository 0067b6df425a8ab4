import type { TagView, TCreateTagBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { AppError } from '../../lib/app-error';
import { Tag } from './tag.entity';

export const tagView = (t: Tag): TagView => ({ id: t.id, name: t.name, group: t.tagGroup });

export async function createTag(ctx: Ctx, cmd: TCreateTagBody): Promise<TagView> {
  const tag = await ctx.db.transaction(async (tx) => {
    try {
      const repo = tx.getRepository(Tag);
      return await repo.save(repo.create({ name: cmd.name, tagGroup: cmd.group }));
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('TAG_NAME_TAKEN');
      throw err;
    }
  });
  return tagView(tag);
}

export async function listTags(ctx: Ctx): Promise<TagView[]> {
  const rows = await ctx.db.read((em) => em.getRepository(Tag).find({ order: { tagGroup: 'ASC', name: 'ASC' } }));
  return rows.map(tagView);
}
