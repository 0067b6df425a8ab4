import { z } from '../zod';
import type { StaffRole, StaffStatus } from '../enums';
import type { CustomerView } from './customer';

/** A wx.login code: opaque, short, single use. */
export const ZWxCode = z.string().trim().min(1).max(128);

export const ZAppSessionBody = z.strictObject({
  code: ZWxCode,
  // Raw from the QR code, encoded or not; anything unparseable only loses attribution.
  scene: z.string().max(512).optional(),
});
export type TAppSessionBody = z.infer<typeof ZAppSessionBody>;
export interface AppSessionResponse {
  token: string;
  expiresAt: string;
  customer: CustomerView;
}

export const ZAdminSessionBody = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type TAdminSessionBody = z.infer<typeof ZAdminSessionBody>;

export const ZClerkBindBody = z.strictObject({
  code: ZWxCode,
  inviteCode: z.string().trim().regex(/^[A-Za-z0-9]{6,32}$/),
});
export type TClerkBindBody = z.infer<typeof ZClerkBindBody>;

export const ZClerkSessionBody = z.strictObject({ code: ZWxCode });
export type TClerkSessionBody = z.infer<typeof ZClerkSessionBody>;

export interface StaffView {
  id: number;
  name: string;
  role: StaffRole;
  status: StaffStatus;
  storeId: number | null;
  username: string | null;
  wechatBound: boolean;
}
export interface StaffSessionResponse {
  token: string;
  expiresAt: string;
  staff: StaffView;
}
