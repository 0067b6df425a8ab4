import { toCsv } from '@o2o/shared';
import type { Harness } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeStaff, staffToken } from '../helpers/fixtures';

let seq = 0;
/** A prefix unique to this process and call, for store codes and usernames that must not meet other tests'. */
export const uniquePrefix = () => `T${process.pid.toString(36).toUpperCase()}${Date.now().toString(36).toUpperCase().slice(-4)}${++seq}`;

export const sql = (h: Harness, text: string, args: unknown[] = []) => h.deps.db.read((em) => em.query(text, args)) as Promise<any[]>;
export const count = async (h: Harness, table: string, where = '1 = 1', args: unknown[] = []) => Number((await sql(h, `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, args))[0].n);

export async function adminToken(h: Harness): Promise<{ token: string; id: number }> {
  const { staff } = await makeStaff(h, 'admin');
  return { token: staffToken(h, staff.id), id: staff.id };
}

/** POSTs a CSV (rows of fields) to an import endpoint, dry run or apply. */
export function postCsv(h: Harness, token: string, path: '/api/admin/stores/import' | '/api/admin/staff/import', rows: string[][] | string, dryRun: boolean) {
  const csv = typeof rows === 'string' ? rows : toCsv(rows);
  return h.http.post(`${path}?dryRun=${dryRun ? 1 : 0}`).set(bearer(token)).send({ csv });
}

export const STORE_HEADER = ['门店编码', '门店名称', '城市', '区域', '地址', '状态'];
