import type { QrCodeView } from '@o2o/shared';
import type { Ctx } from '../../context';
import { QrCode } from './qr-code.entity';
import { qrCodeView } from './qr-code.service';

export async function listQrCodes(ctx: Ctx, storeId?: number): Promise<QrCodeView[]> {
  const rows = await ctx.db.read((em) => em.getRepository(QrCode).find({ where: storeId ? { storeId } : {}, order: { id: 'ASC' }, take: 5000 }));
  return rows.map((q) => qrCodeView(ctx, q));
}
