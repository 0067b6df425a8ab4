import { In, type EntityManager } from 'typeorm';
import type {
  QrScheduleSetResult,
  QrTimelineEntry,
  QrTimelineView,
  ScheduleState,
  TagGroup,
  TQrCodeSetTarget,
  TScheduleQrCouponSetBody,
  TScheduleQrTagSetBody,
} from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { CouponTemplate } from '../coupon/coupon-template.entity';
import { toIso } from '../customer/customer-view';
import { Store } from '../store/store.entity';
import { Tag } from '../tag/tag.entity';
import { QrCode } from './qr-code.entity';
import { forgetResolvedQrCodes } from './qr-code-cache';
import { QrCodeCoupon } from './qr-code-coupon.entity';
import { qrCodeRowOf } from './qr-code-list';
import { QrCodeTag } from './qr-code-tag.entity';
import { scheduleCouponOnCodes, scheduleTagOnCodes, type ScheduleWindow } from './schedule-rows';

/**
 * The codes of a target, ascending: picked ids (each must exist: any unknown → 404, nothing changes); a store's,
 * a region's or every store's active codes of active stores. `ownerType` narrows to store or clerk codes.
 */
export async function resolveCodeSet(em: EntityManager, target: TQrCodeSetTarget, ownerType?: 'store' | 'clerk'): Promise<number[]> {
  const qb = em.getRepository(QrCode).createQueryBuilder('q').select(['q.id']).orderBy('q.id', 'ASC');
  if ('codeIds' in target) {
    const wanted = [...new Set(target.codeIds)];
    const found = await em.getRepository(QrCode).find({ where: { id: In(wanted) }, select: { id: true, ownerType: true } });
    if (found.length !== wanted.length) {
      const have = new Set(found.map((q) => q.id));
      throw new AppError('NOT_FOUND', 'Unknown QR code ids', { codeIds: wanted.filter((id) => !have.has(id)) });
    }
    return found.filter((q) => !ownerType || q.ownerType === ownerType).map((q) => q.id).sort((a, b) => a - b);
  }
  qb.innerJoin(Store, 's', "s.id = q.store_id AND s.status = 'active'").where("q.status = 'active'");
  if ('storeId' in target) {
    if (!(await em.getRepository(Store).existsBy({ id: target.storeId }))) throw new AppError('NOT_FOUND', 'Store not found');
    qb.andWhere('q.store_id = :storeId', { storeId: target.storeId });
  } else if ('region' in target) qb.andWhere('s.region = :region', { region: target.region });
  if (ownerType) qb.andWhere('q.owner_type = :ownerType', { ownerType });
  return (await qb.getMany()).map((q) => q.id);
}

const targetLabel = (t: TQrCodeSetTarget) =>
  'codeIds' in t ? `${t.codeIds.length} 个选中的二维码` : 'storeId' in t ? `门店 #${t.storeId}` : 'region' in t ? `区域「${t.region}」` : '全部门店';
const ownerLabel = (o?: 'store' | 'clerk') => (o === 'store' ? '门店码' : o === 'clerk' ? '导购码' : '二维码');
const shanghai = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

function windowOf(cmd: { validFrom: string; validTo?: string; replace: boolean }, actor: StaffActor): ScheduleWindow {
  const validFrom = new Date(cmd.validFrom);
  const validTo = cmd.validTo ? new Date(cmd.validTo) : null;
  if (validTo && validTo.getTime() <= validFrom.getTime()) throw new AppError('TAG_SCHEDULE_INVALID');
  return { validFrom, validTo, replace: cmd.replace, createdBy: actor.staffId };
}

/**
 * The poster change on a set of codes: `tagId` on every code of the target from validFrom (to validTo), with
 * `replace` closing each code's open schedule of the same tag group at validFrom. ONE transaction for the whole
 * set (all codes change or none), audited with the count; the scan path's code cache is dropped after commit.
 * `dryRun` only counts. An empty set is refused (QR_SET_EMPTY) so an operator never "succeeds" at nothing.
 * Not idempotent (a console form, like the single-code schedule): submitting twice adds a second, identical row
 * per code, which changes no scan's tags.
 */
export async function scheduleQrTagSet(ctx: Ctx, actor: StaffActor, cmd: TScheduleQrTagSetBody, dryRun: boolean): Promise<QrScheduleSetResult> {
  const w = windowOf(cmd, actor);
  const res = await ctx.db.transaction(async (tx) => {
    const tag = await tx.getRepository(Tag).findOneBy({ id: cmd.tagId });
    if (!tag) throw new AppError('NOT_FOUND', 'Tag not found');
    const ids = await resolveCodeSet(tx, cmd.target, cmd.ownerType);
    if (dryRun) return { dryRun, count: ids.length, closed: 0 };
    if (ids.length === 0) throw new AppError('QR_SET_EMPTY');
    const { closed } = await scheduleTagOnCodes(ctx, tx, ids, tag, w);
    await audit(tx, actor, {
      action: 'qr_code.schedule_tag',
      targetType: 'qr_code',
      targetId: ids.length === 1 ? ids[0] : null,
      storeId: 'storeId' in cmd.target ? cmd.target.storeId : null,
      summary: `${targetLabel(cmd.target)}的${ownerLabel(cmd.ownerType)}共 ${ids.length} 个：标签「${tag.name}」自 ${shanghai(w.validFrom)} 起${w.validTo ? `至 ${shanghai(w.validTo)}` : ''}${w.replace ? '（替换同组标签）' : ''}`,
      details: { target: cmd.target, ownerType: cmd.ownerType ?? null, tagId: tag.id, validFrom: cmd.validFrom, validTo: cmd.validTo ?? null, replace: w.replace, count: ids.length, closed },
    });
    return { dryRun, count: ids.length, closed };
  });
  if (!dryRun) forgetResolvedQrCodes(ctx.db); // scans resolve the codes with their new schedules from now on
  return res;
}

/** Coupon schedules on a set of codes: the same as tags (`replace` closes every open coupon entry of each code). */
export async function scheduleQrCouponSet(ctx: Ctx, actor: StaffActor, cmd: TScheduleQrCouponSetBody, dryRun: boolean): Promise<QrScheduleSetResult> {
  const w = windowOf(cmd, actor);
  const res = await ctx.db.transaction(async (tx) => {
    const template = await tx.getRepository(CouponTemplate).findOne({ where: { id: cmd.templateId }, select: { id: true, title: true } });
    if (!template) throw new AppError('NOT_FOUND', 'Coupon template not found');
    const ids = await resolveCodeSet(tx, cmd.target, cmd.ownerType);
    if (dryRun) return { dryRun, count: ids.length, closed: 0 };
    if (ids.length === 0) throw new AppError('QR_SET_EMPTY');
    const { closed } = await scheduleCouponOnCodes(ctx, tx, ids, template.id, w);
    await audit(tx, actor, {
      action: 'qr_code.schedule_coupon',
      targetType: 'qr_code',
      targetId: ids.length === 1 ? ids[0] : null,
      storeId: 'storeId' in cmd.target ? cmd.target.storeId : null,
      summary: `${targetLabel(cmd.target)}的${ownerLabel(cmd.ownerType)}共 ${ids.length} 个：扫码券「${template.title}」自 ${shanghai(w.validFrom)} 起${w.validTo ? `至 ${shanghai(w.validTo)}` : ''}${w.replace ? '（替换原扫码券）' : ''}`,
      details: { target: cmd.target, ownerType: cmd.ownerType ?? null, templateId: template.id, validFrom: cmd.validFrom, validTo: cmd.validTo ?? null, replace: w.replace, count: ids.length, closed },
    });
    return { dryRun, count: ids.length, closed };
  });
  if (!dryRun) forgetResolvedQrCodes(ctx.db);
  return res;
}

/**
 * A code's tag and coupon schedules, past, current and future, ordered by start then id, each with where it stands
 * now (current: validFrom <= now < validTo). A store manager only sees their store's codes (else 404).
 */
export async function qrCodeTimeline(ctx: Ctx, actor: StaffActor, qrCodeId: number): Promise<QrTimelineView> {
  const now = ctx.clock.now();
  return ctx.db.read(async (em) => {
    const qrCode = await qrCodeRowOf(ctx, em, actor, qrCodeId);
    if (!qrCode) throw new AppError('NOT_FOUND', 'QR code not found');
    type Raw = { id: number | string; refId: number | string; name: string; grp: TagGroup | null; validFrom: string | Date; validTo: string | Date | null; createdBy: number | string | null; createdAt: string | Date };
    const tags: Raw[] = await em
      .getRepository(QrCodeTag)
      .createQueryBuilder('s')
      .innerJoin(Tag, 't', 't.id = s.tag_id')
      .select(['s.id AS id', 's.tag_id AS refId', 't.name AS name', 't.tag_group AS grp', 's.valid_from AS validFrom', 's.valid_to AS validTo', 's.created_by AS createdBy', 's.created_at AS createdAt'])
      .where('s.qr_code_id = :qrCodeId', { qrCodeId })
      .getRawMany();
    const coupons: Raw[] = await em
      .getRepository(QrCodeCoupon)
      .createQueryBuilder('s')
      .innerJoin(CouponTemplate, 't', 't.id = s.template_id')
      .select(['s.id AS id', 's.template_id AS refId', 't.title AS name', 'NULL AS grp', 's.valid_from AS validFrom', 's.valid_to AS validTo', 's.created_by AS createdBy', 's.created_at AS createdAt'])
      .where('s.qr_code_id = :qrCodeId', { qrCodeId })
      .getRawMany();
    const entry = (kind: 'tag' | 'coupon') => (r: Raw): QrTimelineEntry => {
      const validFrom = toIso(r.validFrom);
      const validTo = r.validTo === null ? null : toIso(r.validTo);
      return {
        kind,
        id: Number(r.id),
        refId: Number(r.refId),
        name: r.name,
        group: kind === 'tag' ? r.grp : null,
        validFrom,
        validTo,
        state: stateAt(validFrom, validTo, now),
        createdBy: r.createdBy === null ? null : Number(r.createdBy),
        createdAt: toIso(r.createdAt),
      };
    };
    const items = [...tags.map(entry('tag')), ...coupons.map(entry('coupon'))].sort(
      (a, b) => Date.parse(a.validFrom) - Date.parse(b.validFrom) || (a.kind === b.kind ? a.id - b.id : a.kind === 'tag' ? -1 : 1),
    );
    return { qrCode, now: now.toISOString(), items };
  });
}

export function stateAt(validFrom: string, validTo: string | null, now: Date): ScheduleState {
  const t = now.getTime();
  if (Date.parse(validFrom) > t) return 'future';
  if (validTo !== null && Date.parse(validTo) <= t) return 'past';
  return 'current';
}
