import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { checkMemberCodeWindow, oldestCandidateWindow, presentedKey } from './member-code';

/** The customer a till identified, with what identify, quote and commit need of them. */
export interface TillCustomer {
  id: number;
  isMember: boolean;
  level: number;
  pointsBalance: number;
  phoneEnc: string | null;
  /** The owning clerk (专属导购) the sale is credited to, as for pre-orders. */
  clerkId: number | null;
  /** The member code's window (spent by a commit), or null when identified by phone. */
  codeWindow: number | null;
}

interface ProbeRow {
  id: number | string;
  phone_enc: string | null;
  member_since: unknown;
  level: number | string;
  points_balance: number | string;
  clerk_id: number | string | null;
  used_windows?: string | Buffer | null;
  sale_id?: number | string | null;
}

/**
 * Finds who is buying from a member code or a phone number, in ONE statement: the customer (by the code's handle or
 * the phone's blind index) with their owning clerk, the code windows they recently spent, and — for a commit — the
 * id of the sale already recorded under `saleKey`. That last part lets a retried commit return its sale before the
 * code is checked again (a retry after the code expired must still answer with the sale).
 *
 * Refusals, most specific first: not our code (PAYMENT_CODE_PRESENTED / MEMBER_CODE_FOREIGN, by shape, no query);
 * no such handle, or a one-time part matching no window (MEMBER_CODE_INVALID); an expired window
 * (MEMBER_CODE_EXPIRED); a window already spent on a sale (MEMBER_CODE_USED); no customer with this phone
 * (MEMBER_NOT_FOUND). With `saleKey`, a found sale is returned instead of any refusal of the code.
 */
export async function findTillCustomer(
  ctx: Ctx,
  em: EntityManager,
  who: { memberCode?: string; phone?: string },
  now: Date,
  saleKey?: string,
): Promise<{ customer: TillCustomer; saleId: null } | { customer: null; saleId: number }> {
  const key = presentedKey(ctx, who);
  const params: unknown[] = [];
  let sql = 'SELECT c.id, c.phone_enc, c.member_since, c.level, c.points_balance, cc.staff_id AS clerk_id';
  if (key.by === 'handle') {
    sql += ', (SELECT group_concat(u.code_window) FROM member_code_use u WHERE u.customer_id = c.id AND u.code_window >= ?) AS used_windows';
    params.push(oldestCandidateWindow(now));
  }
  if (saleKey !== undefined) {
    sql += ', (SELECT o.id FROM orders o WHERE o.sale_key = ?) AS sale_id';
    params.push(saleKey);
  }
  sql += ` FROM customer c LEFT JOIN customer_clerk cc ON cc.customer_id = c.id WHERE ${key.by === 'handle' ? 'c.member_handle = ?' : 'c.phone_hash = ?'}`;
  params.push(key.by === 'handle' ? key.handle : key.phoneHash);
  const [row] = (await em.query(sql, params)) as ProbeRow[];

  if (row?.sale_id != null) return { customer: null, saleId: Number(row.sale_id) };
  if (!row) {
    // The code or phone names nobody now; a retried commit still finds its sale.
    if (saleKey !== undefined) {
      const [sale] = (await em.query('SELECT id FROM orders WHERE sale_key = ?', [saleKey])) as { id: number | string }[];
      if (sale) return { customer: null, saleId: Number(sale.id) };
    }
    throw new AppError(key.by === 'handle' ? 'MEMBER_CODE_INVALID' : 'MEMBER_NOT_FOUND');
  }
  const id = Number(row.id);
  let codeWindow: number | null = null;
  if (key.by === 'handle') {
    // group_concat comes back as text (SQLite, MySQL) or bytes (some MySQL versions for numbers): String() reads both.
    const used = row.used_windows == null ? [] : String(row.used_windows).split(',').map(Number);
    codeWindow = checkMemberCodeWindow(ctx, id, key.handle, key.otp, used, now);
  }
  return {
    customer: {
      id,
      isMember: row.member_since !== null,
      level: Number(row.level),
      pointsBalance: Number(row.points_balance),
      phoneEnc: row.phone_enc,
      clerkId: row.clerk_id === null ? null : Number(row.clerk_id),
      codeWindow,
    },
    saleId: null,
  };
}
