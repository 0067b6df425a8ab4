import type { QrCodeView } from '@o2o/shared';
import type { Ctx } from '../../context';
import { QrCode } from './qr-code.entity';
import { createQrCode, qrCodeView } from './qr-code.service';

export async function listQrCodes(ctx: Ctx, storeId?: number): Promise<QrCodeView[]> {
  const rows = await ctx.db.read((em) => em.getRepository(QrCode).find({ where: storeId ? { storeId } : {}, order: { id: 'ASC' }, take: 5000 }));
  return rows.map((q) => qrCodeView(ctx, q));
}

/**
 * The calling clerk's own code (导购码) for the "my QR code" page: the oldest active one of this clerk in
 * their store, created on first ask (a store manager also gets one: they serve customers too).
 */
export async function myClerkQrCode(ctx: Ctx, staffId: number, storeId: number): Promise<QrCodeView> {
  const find = () => ctx.db.read((em) => em.getRepository(QrCode).findOne({ where: { ownerType: 'clerk', staffId, storeId, status: 'active' }, order: { id: 'ASC' } }));
  const existing = await find();
  if (existing) return qrCodeView(ctx, existing);
  return createQrCode(ctx, { ownerType: 'clerk', storeId, staffId });
}
