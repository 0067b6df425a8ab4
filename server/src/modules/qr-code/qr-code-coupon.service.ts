import type { QrCodeCouponView, TScheduleQrCouponBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { CouponTemplate } from '../coupon/coupon-template.entity';
import { QrCode } from './qr-code.entity';
import { forgetResolvedQrCodes } from './qr-code-cache';
import { QrCodeCoupon } from './qr-code-coupon.entity';
import { scheduleCouponOnCodes } from './schedule-rows';

/**
 * Schedules a coupon template on a code for [validFrom, validTo): whoever scans the code then gets it once per
 * entry (the `customer.scanned` handler, coupon/qr-grant.service.ts). With `replace`, this code's coupon entries
 * still open at validFrom are closed there (the poster's offer changed; customers who scan again get the new one).
 * The template must exist; it may still be a draft (it grants nothing until active). Not idempotent by itself (a
 * console form), like tag schedules.
 */
export async function scheduleQrCodeCoupon(ctx: Ctx, qrCodeId: number, cmd: TScheduleQrCouponBody, actorStaffId: number, actor?: StaffActor): Promise<QrCodeCouponView> {
  const validFrom = new Date(cmd.validFrom);
  const validTo = cmd.validTo ? new Date(cmd.validTo) : null;
  const id = await ctx.db.transaction(async (tx) => {
    const code = await tx.getRepository(QrCode).findOneBy({ id: qrCodeId });
    if (!code) throw new AppError('NOT_FOUND', 'QR code not found');
    const template = await tx.getRepository(CouponTemplate).findOne({ where: { id: cmd.templateId }, select: { id: true, title: true } });
    if (!template) throw new AppError('NOT_FOUND', 'Coupon template not found');
    // the set-based function the console's "this store / region / all" change uses too
    const { firstId } = await scheduleCouponOnCodes(ctx, tx, [qrCodeId], cmd.templateId, { validFrom, validTo, replace: cmd.replace === true, createdBy: actorStaffId });
    if (actor)
      await audit(tx, actor, {
        action: 'qr_code.schedule_coupon',
        targetType: 'qr_code',
        targetId: qrCodeId,
        storeId: code.storeId,
        summary: `二维码 ${code.code}：扫码券「${template.title}」自 ${cmd.validFrom} 起${cmd.replace ? '（替换原扫码券）' : ''}`,
        details: { templateId: template.id, validFrom: cmd.validFrom, validTo: cmd.validTo ?? null, replace: cmd.replace === true, count: 1 },
      });
    return firstId!;
  });
  forgetResolvedQrCodes(ctx.db);
  return ctx.db.read(async (em) => qrCouponView(await em.getRepository(QrCodeCoupon).findOneByOrFail({ id })));
}

export async function listQrCodeCoupons(ctx: Ctx, qrCodeId: number): Promise<QrCodeCouponView[]> {
  return ctx.db.read(async (em) => {
    if (!(await em.getRepository(QrCode).existsBy({ id: qrCodeId }))) throw new AppError('NOT_FOUND', 'QR code not found');
    const rows = await em.getRepository(QrCodeCoupon).find({ where: { qrCodeId }, order: { validFrom: 'ASC', id: 'ASC' } });
    return rows.map(qrCouponView);
  });
}

const qrCouponView = (r: QrCodeCoupon): QrCodeCouponView => ({
  id: r.id,
  qrCodeId: r.qrCodeId,
  templateId: r.templateId,
  validFrom: r.validFrom.toISOString(),
  validTo: r.validTo?.toISOString() ?? null,
});
