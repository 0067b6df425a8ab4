import type { QrCodeCouponView, TScheduleQrCouponBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { CouponTemplate } from '../coupon/coupon-template.entity';
import { QrCode } from './qr-code.entity';
import { QrCodeCoupon } from './qr-code-coupon.entity';

/**
 * Schedules a coupon template on a code for [validFrom, validTo): whoever scans the code then gets it once per
 * entry (the `customer.scanned` handler, coupon/qr-grant.service.ts). With `replace`, this code's coupon entries
 * still open at validFrom are closed there (the poster's offer changed; customers who scan again get the new one).
 * The template must exist; it may still be a draft (it grants nothing until active). Not idempotent by itself (a
 * console form), like tag schedules.
 */
export async function scheduleQrCodeCoupon(ctx: Ctx, qrCodeId: number, cmd: TScheduleQrCouponBody, actorStaffId: number): Promise<QrCodeCouponView> {
  const validFrom = new Date(cmd.validFrom);
  const validTo = cmd.validTo ? new Date(cmd.validTo) : null;
  const id = await ctx.db.transaction(async (tx) => {
    if (!(await tx.getRepository(QrCode).existsBy({ id: qrCodeId }))) throw new AppError('NOT_FOUND', 'QR code not found');
    if (!(await tx.getRepository(CouponTemplate).existsBy({ id: cmd.templateId }))) throw new AppError('NOT_FOUND', 'Coupon template not found');
    if (cmd.replace)
      await tx
        .createQueryBuilder()
        .update(QrCodeCoupon)
        .set({ validTo: validFrom })
        .where('qr_code_id = :qrCodeId AND valid_from < :validFrom AND (valid_to IS NULL OR valid_to > :validFrom)', { qrCodeId, validFrom })
        .execute();
    return ctx.db.insertReturningId(tx, QrCodeCoupon, { qrCodeId, templateId: cmd.templateId, validFrom, validTo, createdBy: actorStaffId });
  });
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
