import { In } from 'typeorm';
import { maskPhone, normalizeMainlandPhone, type BulkPhonesReport, type TBulkPhonesBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { chunks } from '../../db/raw-sql';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { Customer } from '../customer/customer.entity';
import { mainlandPhoneHash } from '../customer/customer-view';
import { applyBulkTag, checkTags } from './manual-tag.service';

/** Phone hashes per lookup (`phone_hash IN (…)` on its unique index). */
const MATCH_CHUNK = 1000;
const NOT_FOUND_SAMPLE = 20;
const INVALID_LINES_MAX = 1000;

/**
 * Manual tagging by an uploaded list of phone numbers (按手机号打标签), marketer / admin.
 *
 * Each entry is normalised (spaces, dashes, +86) and must be a mainland mobile number; empty entries (blank
 * lines) are skipped, anything else invalid is reported by its 1-based line. Distinct numbers are hashed with
 * the phone blind index and matched in chunks of 1,000 on `customer.phone_hash` (unique): no phone is ever
 * decrypted, and the report shows unmatched numbers only masked. A dry run stops at the report. Apply tags the
 * matched customers through `applyBulkTag` (the same chunked, locked, first-source-wins machinery as
 * `POST /tags/bulk`, source `manual`): a repeat of the same list changes nothing (`changed: 0`). The audit row
 * (`tag.bulk_phones`: counts only, never a number) commits with the first chunk.
 * Unknown tag → TAG_UNKNOWN; lifecycle / RFM → TAG_RULE_MANAGED; `expiresAt` not in the future → 400.
 */
export async function tagByPhones(ctx: Ctx, actor: StaffActor, cmd: TBulkPhonesBody): Promise<BulkPhonesReport> {
  const now = ctx.clock.now();
  const [tag] = await checkTags(ctx, [cmd.tagId]);
  const expiresAt = cmd.expiresAt ? new Date(cmd.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= now.getTime())
    throw new AppError('VALIDATION_FAILED', 'expiresAt must be in the future', [{ path: 'expiresAt', message: 'must be in the future', code: 'custom' }]);

  const distinct = new Set<string>();
  const invalidLines: number[] = [];
  let invalid = 0;
  let duplicates = 0;
  cmd.phones.forEach((entry, i) => {
    if (entry.trim() === '') return;
    const digits = normalizeMainlandPhone(entry);
    if (digits === null) {
      invalid++;
      if (invalidLines.length < INVALID_LINES_MAX) invalidLines.push(i + 1);
    } else if (distinct.has(digits)) duplicates++;
    else distinct.add(digits);
  });

  const hashOf = new Map<string, string>();
  for (const digits of distinct) hashOf.set(mainlandPhoneHash(ctx.pii, digits), digits);
  const customerOf = new Map<string, number>();
  for (const part of chunks([...hashOf.keys()], MATCH_CHUNK)) {
    const rows = await ctx.db.read((em) => em.getRepository(Customer).find({ where: { phoneHash: In(part) }, select: { id: true, phoneHash: true } }));
    for (const r of rows) customerOf.set(r.phoneHash!, r.id);
  }
  const missing = [...hashOf].filter(([hash]) => !customerOf.has(hash)).map(([, digits]) => digits);
  const report: BulkPhonesReport = {
    dryRun: cmd.dryRun === true,
    total: cmd.phones.length,
    distinct: distinct.size,
    duplicates,
    matched: customerOf.size,
    notFound: { count: missing.length, sample: missing.slice(0, NOT_FOUND_SAMPLE).map(maskPhone) },
    invalid: { count: invalid, lines: invalidLines },
    changed: 0,
    applied: false,
  };
  if (report.dryRun || customerOf.size === 0) return report;

  const customerIds = [...new Set(customerOf.values())].sort((a, b) => a - b);
  const r = await applyBulkTag(ctx, actor, { action: 'add', tagIds: [tag.id], customerIds, expiresAt }, {
    action: 'tag.bulk_phones',
    targetType: 'tag',
    targetId: tag.id,
    summary: `按手机号打标签「${tag.name}」：匹配 ${report.matched} 位顾客，未找到 ${missing.length}，无效 ${invalid}`,
    details: { tagId: tag.id, total: report.total, distinct: report.distinct, matched: report.matched, notFound: missing.length, invalid, duplicates, expiresAt: cmd.expiresAt ?? null },
  });
  return { ...report, changed: r.changed, applied: true };
}
