import { createProduct } from '../../src/modules/catalogue/catalogue.service';
import { backgroundCtx } from '../../src/context';
import { hashPassword } from '../../src/lib/password';
import { buildScene } from '@o2o/shared';
import type { StaffRole } from '@o2o/shared';
import { createQrCode, scheduleQrCodeTag } from '../../src/modules/qr-code/qr-code.service';
import { Staff } from '../../src/modules/staff/staff.entity';
import { createStaff } from '../../src/modules/staff/staff.service';
import { createStore } from '../../src/modules/store/store.service';
import { createTag } from '../../src/modules/tag/tag.service';
import type { Harness } from './harness';

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${++seq}`;

/** Service-level fixtures: fast setup through the same use cases the API uses. */
export async function makeStore(h: Harness, name = `店${uniq()}`) {
  return createStore(h.ctx, { name });
}

export async function makeStaff(h: Harness, role: StaffRole, storeId?: number, name = `员工${uniq()}`) {
  const username = role === 'admin' || role === 'marketer' ? `u${uniq()}` : undefined;
  const password = username ? 'correct horse battery' : undefined;
  const { staff, inviteCode } = await createStaff(h.ctx, { name, role, storeId, username, password } as never);
  return { staff, inviteCode, username, password };
}

/** A staff bearer token without going through WeChat (tests of routes, not of login). */
export function staffToken(h: Harness, staffId: number, tokenVersion = 0): string {
  return h.deps.tokens.issue({ aud: 'staff', sub: staffId, ver: tokenVersion }, 3600, h.clock.now()).token;
}

export async function makeTag(h: Harness, name = `标签${uniq()}`, group: 'category' | 'channel' | 'custom' = 'category') {
  return createTag(h.ctx, { name, group });
}

export async function makeStoreCode(h: Harness, storeId: number) {
  const qr = await createQrCode(h.ctx, { ownerType: 'store', storeId });
  return { ...qr, sceneEncoded: encodeURIComponent(buildScene(qr.code)) };
}

export async function makeClerkCode(h: Harness, storeId: number, staffId: number) {
  const qr = await createQrCode(h.ctx, { ownerType: 'clerk', storeId, staffId });
  return { ...qr, sceneEncoded: encodeURIComponent(buildScene(qr.code)) };
}

export async function schedule(h: Harness, qrCodeId: number, tagId: number, validFrom: Date, validTo?: Date) {
  return scheduleQrCodeTag(h.ctx, qrCodeId, { tagId, validFrom: validFrom.toISOString(), validTo: validTo?.toISOString() }, 0);
}

export async function setStaffStatusLeft(h: Harness, staffId: number) {
  await h.deps.db.transaction((tx) => tx.update(Staff, { id: staffId }, { status: 'left', leftAt: h.clock.now(), tokenVersion: () => 'token_version + 1' }));
}

export { backgroundCtx, hashPassword };

/** A product through the admin use case (creates its category and category tag). */
export async function makeProduct(h: Harness, p: { sku?: string; category?: string; priceFen: number; memberPriceFen?: number; memberPoints?: number; memberPointsGiven?: number }) {
  return createProduct(h.ctx, { sku: p.sku ?? `SKU${uniq()}`, name: `商品${uniq()}`, category: p.category ?? '坚果', priceFen: p.priceFen, memberPriceFen: p.memberPriceFen, memberPoints: p.memberPoints, memberPointsGiven: p.memberPointsGiven });
}
