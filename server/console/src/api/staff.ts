import type {
  InviteSheet,
  LeaveStaffResponse,
  MoveStaffResponse,
  PagedList,
  ResetPasswordResponse,
  StaffImportReport,
  StaffListItem,
  StaffView,
  TCreateStaffBody,
  TLeaveStaffBody,
  TMoveStaffBody,
  TResetPasswordBody,
} from '@o2o/shared';
import { get, post, type Query } from './request';

/** Staff (员工). A store manager gets their store's staff only; writes other than leaving are admin-only. */
export const listStaff = (q: Query) => get<PagedList<StaffListItem>>('/staff', q);
export const createStaff = (body: TCreateStaffBody) => post<{ staff: StaffView; inviteCode: string | null }>('/staff', body);
export const importStaff = (csv: string, dryRun: boolean) => post<StaffImportReport>('/staff/import', { csv }, { query: { dryRun: dryRun ? 1 : 0 } });
/** Marks left and hands the customers over in one request; safe to send again if it was cut off. */
export const leaveStaff = (id: number, body: TLeaveStaffBody) => post<LeaveStaffResponse>(`/staff/${id}/leave`, body);
export const moveStaff = (id: number, body: TMoveStaffBody) => post<MoveStaffResponse>(`/staff/${id}/move`, body);
/** The new password is answered once, never stored in plain. */
export const resetPassword = (id: number, body: TResetPasswordBody) => post<ResetPasswordResponse>(`/staff/${id}/password`, body);
export const inviteSheet = (storeId?: number) => get<InviteSheet>('/staff/invites', { storeId });
