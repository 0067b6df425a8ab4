import { z } from '../zod';
import { ZId, ZName, ZQueryId } from './common';
import { pagedQuery, ZSortOrder, type ImportReport } from './console';
import type { CsvColumn } from '../csv';
import { STAFF_ROLES } from '../enums';
import type { StaffRole, StoreStatus } from '../enums';
import type { StaffView } from './auth';

/** Store codes are the brand's own numbers; unique, compared case-insensitively (MariaDB's collation does). */
export const STORE_CODE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;
export const STORE_STATUS_LABEL: Record<StoreStatus, string> = { active: '营业', closed: '停业' };

// ---- stores ----
const ZFilterText = z.string().trim().max(64);
export const ZStoreListQuery = pagedQuery({
  /** Code or name contains. */
  q: ZFilterText.optional(),
  city: ZFilterText.optional(),
  region: ZFilterText.optional(),
  status: z.enum(['active', 'closed']).optional(),
  sort: z.enum(['code', 'name', 'createdAt']).optional(),
  order: ZSortOrder.optional(),
});
export type TStoreListQuery = z.infer<typeof ZStoreListQuery>;

/** PATCH: only the fields given change; null clears an optional field. The code never changes (posters print it). */
export const ZUpdateStoreBody = z
  .strictObject({
    name: ZName.optional(),
    city: z.string().trim().max(64).nullable().optional(),
    address: z.string().trim().max(200).nullable().optional(),
    region: z.string().trim().max(64).nullable().optional(),
    status: z.enum(['active', 'closed']).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type TUpdateStoreBody = z.infer<typeof ZUpdateStoreBody>;

/** Distinct cities and regions for the list's filter options (a store manager: their store's). */
export interface StoreFacets {
  cities: string[];
  regions: string[];
}

// ---- CSV imports (see ImportReport in console.ts for dry run / apply) ----
export const ZImportBody = z.strictObject({ csv: z.string().min(1).max(8_000_000) });
export type TImportBody = z.infer<typeof ZImportBody>;
/** More data rows than this is refused whole (413): split the file. */
export const IMPORT_MAX_ROWS = 20_000;

/** Codes of per-row errors (`ImportRowError.code`); the message is Chinese and names the value. */
export type ImportRowErrorCode =
  | 'REQUIRED'
  | 'INVALID_FORMAT'
  | 'TOO_LONG'
  | 'INVALID_VALUE'
  | 'DUPLICATE_IN_FILE'
  | 'COLUMN_COUNT'
  | 'UNKNOWN_STORE'
  | 'STORE_INACTIVE'
  | 'USERNAME_TAKEN'
  | 'AMBIGUOUS_NAME';

export type StoreImportKey = 'code' | 'name' | 'city' | 'region' | 'address' | 'status';
export const STORE_IMPORT_COLUMNS: readonly CsvColumn<StoreImportKey>[] = [
  { key: 'code', label: '门店编码', aliases: ['store code', 'storecode'], required: true },
  { key: 'name', label: '门店名称', aliases: ['store name', 'storename'], required: true },
  { key: 'city', label: '城市', aliases: [], required: true },
  { key: 'region', label: '区域', aliases: [], required: true },
  { key: 'address', label: '地址', aliases: [], required: true },
  { key: 'status', label: '状态', aliases: [], required: false },
];
/** Words accepted in the 状态 column; empty keeps an existing store's status (a new store opens active). */
export const STORE_STATUS_WORDS: Readonly<Record<string, StoreStatus>> = {
  营业: 'active',
  正常: 'active',
  active: 'active',
  停业: 'closed',
  关闭: 'closed',
  闭店: 'closed',
  closed: 'closed',
};

export type StaffImportKey = 'storeCode' | 'name' | 'role' | 'username';
export const STAFF_IMPORT_COLUMNS: readonly CsvColumn<StaffImportKey>[] = [
  { key: 'storeCode', label: '门店编码', aliases: ['store code'], required: true },
  { key: 'name', label: '姓名', aliases: [], required: true },
  { key: 'role', label: '角色', aliases: [], required: true },
  { key: 'username', label: '用户名', aliases: [], required: false },
];
/** Words accepted in the 角色 column. Console roles (marketer, admin) are created one by one, never by file. */
export const STAFF_ROLE_WORDS: Readonly<Record<string, 'clerk' | 'store_manager'>> = {
  导购: 'clerk',
  店员: 'clerk',
  clerk: 'clerk',
  店长: 'store_manager',
  store_manager: 'store_manager',
  manager: 'store_manager',
};

/** A store manager created (or given a username) by an import: their one-time initial password, shown once. */
export interface StaffImportLogin {
  line: number;
  storeCode: string;
  name: string;
  username: string;
  initialPassword: string;
}
export interface StaffImportReport extends ImportReport {
  /** Apply only: console logins created; the passwords are not stored in plain and cannot be shown again. */
  logins: StaffImportLogin[];
}

/** The templates the console offers for download: header and two example rows. */
export const IMPORT_TEMPLATES: Readonly<Record<'stores' | 'staff', { fileName: string; rows: string[][] }>> = {
  stores: {
    fileName: '门店导入模板.csv',
    rows: [
      STORE_IMPORT_COLUMNS.map((c) => c.label),
      ['WH001', '小食光·光谷店', '武汉', '华中一区', '光谷步行街 1 号', '营业'],
      ['SH001', '小食光·徐家汇店', '上海', '华东一区', '漕溪北路 8 号', '营业'],
    ],
  },
  staff: {
    fileName: '员工导入模板.csv',
    rows: [STAFF_IMPORT_COLUMNS.map((c) => c.label), ['WH001', '周店长', '店长', 'wh001.manager'], ['WH001', '王芳', '导购', '']],
  },
};

// ---- staff ----
export const ZStaffListQuery = pagedQuery({
  storeId: ZQueryId.optional(),
  role: z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]]).optional(),
  status: z.enum(['active', 'left']).optional(),
  /** Name or username contains. */
  q: ZFilterText.optional(),
  sort: z.enum(['name', 'createdAt']).optional(),
  order: ZSortOrder.optional(),
});
export type TStaffListQuery = z.infer<typeof ZStaffListQuery>;

export interface StaffListItem extends StaffView {
  storeCode: string | null;
  storeName: string | null;
  /** Customers this staff member owns (专属导购) now: what a handover would move. */
  customerCount: number;
  /** Has a console password (store managers, marketers, admins). */
  consoleLogin: boolean;
  createdAt: string;
  leftAt: string | null;
}

/**
 * Move a clerk (or a store manager) to another store. Their customers shop at the old store, so by default they are
 * handed over there: to `handoverToStaffId` (a clerk or the manager of the OLD store) or, when absent, to the old
 * store's manager. `keepCustomers: true` keeps them bound to the moving clerk instead (brands that treat the
 * relationship as the clerk's). The clerk's old QR code keeps working as a code of the old store, without them.
 */
export const ZMoveStaffBody = z
  .strictObject({ storeId: ZId, handoverToStaffId: ZId.optional(), keepCustomers: z.boolean().optional() })
  .refine((v) => !(v.keepCustomers && v.handoverToStaffId !== undefined), { path: ['keepCustomers'], message: 'either keep or hand over' });
export type TMoveStaffBody = z.infer<typeof ZMoveStaffBody>;

export interface HandoverOutcome {
  toStaffId: number;
  moved: number;
}
export interface MoveStaffResponse {
  staff: StaffView;
  /** null when the customers stayed with the clerk (or there were none). */
  handover: HandoverOutcome | null;
}

/** Leave and hand over in one step: to this clerk or manager of the same store, or by default the store manager. */
export const ZLeaveStaffBody = z.strictObject({ handoverToStaffId: ZId.optional() });
export type TLeaveStaffBody = z.infer<typeof ZLeaveStaffBody>;
export interface LeaveStaffResponse {
  staff: StaffView;
  handover: HandoverOutcome | null;
}

/** Reset a console user's password (admin). The server generates it and answers it once; `username` gives a store manager without one a login. */
export const ZResetPasswordBody = z.strictObject({ username: z.string().trim().regex(USERNAME_PATTERN).optional() });
export type TResetPasswordBody = z.infer<typeof ZResetPasswordBody>;
export interface ResetPasswordResponse {
  staff: StaffView;
  password: string;
}

export const ZInviteSheetQuery = z.strictObject({ storeId: ZQueryId.optional() });
/** Unbound clerks and managers of each store with their one-time invite codes, for the printable sheet. */
export interface InviteSheet {
  stores: { storeId: number; storeCode: string; storeName: string; staff: { id: number; name: string; role: StaffRole; inviteCode: string }[] }[];
  total: number;
  /** More than the sheet's limit were waiting: print per store. */
  truncated: boolean;
}
