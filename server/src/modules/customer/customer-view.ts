import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { maskPhone, type CustomerView, type StaffCustomerView } from '@o2o/shared';
import type { PiiCipher } from '../../lib/crypto';
import { AppError } from '../../lib/app-error';
import { Staff } from '../staff/staff.entity';
import { Store } from '../store/store.entity';
import { Tag } from '../tag/tag.entity';
import { CustomerTag } from '../tag/customer-tag.entity';
import { Customer } from './customer.entity';
import { CustomerClerk } from './customer-clerk.entity';

/**
 * The blind index of a mainland mobile number (11 digits), exactly as `bindMember` stores it: HMAC of
 * `<countryCode>:<purePhoneNumber>` with WeChat's country code 86. The only way staff look a phone up.
 */
export function mainlandPhoneHash(pii: PiiCipher, digits: string): string {
  return pii.blindIndex(`86:${digits}`);
}

export function phoneMaskedOf(pii: PiiCipher, phoneEnc: string | null): string | null {
  if (!phoneEnc) return null;
  const [, pure] = pii.decrypt(phoneEnc).split(':');
  return maskPhone(pure ?? '');
}

/**
 * The consumer's own view of themselves (GET /api/app/me, and every session): one query — the customer with
 * their owning clerk, home store and ordering store joined — because returning fans open the app far more often
 * than anything else. `orderingStore` is the ordering store if it is active, else the home store if active.
 */
export async function loadCustomerView(em: EntityManager, pii: PiiCipher, customerId: number): Promise<CustomerView> {
  const { entities, raw } = await em
    .getRepository(Customer)
    .createQueryBuilder('c')
    .leftJoin(CustomerClerk, 'cc', 'cc.customer_id = c.id')
    .leftJoin(Staff, 's', "s.id = cc.staff_id AND s.status = 'active'")
    .leftJoin(Store, 'st', 'st.id = c.store_id')
    .leftJoin(Store, 'os', "os.id = c.ordering_store_id AND os.status = 'active'")
    .addSelect(['s.id AS clerk_id', 's.name AS clerk_name', 'st.id AS store_id_', 'st.name AS store_name', 'st.status AS store_status', 'os.id AS ordering_id', 'os.name AS ordering_name'])
    .where('c.id = :customerId', { customerId })
    .getRawAndEntities<ViewRow>();
  const c = entities[0];
  if (!c) throw new AppError('NOT_FOUND', 'Customer not found');
  const r = raw[0];
  const view: CustomerView = { id: c.id, isMember: c.memberSince !== null, level: c.level, pointsBalance: c.pointsBalance, orderingStore: orderingStoreOf(r) };
  const masked = phoneMaskedOf(pii, c.phoneEnc);
  if (masked) view.phoneMasked = masked;
  if (c.memberSince) view.memberSince = c.memberSince.toISOString();
  if (r.clerk_id !== null && r.clerk_id !== undefined) view.clerk = { id: Number(r.clerk_id), name: String(r.clerk_name) };
  if (r.store_id_ !== null && r.store_id_ !== undefined) view.store = { id: Number(r.store_id_), name: String(r.store_name) };
  return view;
}

interface ViewRow {
  clerk_id: number | null;
  clerk_name: string | null;
  store_id_: number | null;
  store_name: string | null;
  store_status: string | null;
  ordering_id: number | null;
  ordering_name: string | null;
}

function orderingStoreOf(r: ViewRow): CustomerView['orderingStore'] {
  if (r.ordering_id !== null && r.ordering_id !== undefined) return { id: Number(r.ordering_id), name: String(r.ordering_name) };
  if (r.store_id_ !== null && r.store_id_ !== undefined && r.store_status === 'active') return { id: Number(r.store_id_), name: String(r.store_name) };
  return null;
}

/** What staff see: masked phone, tags, stats; never openid, unionid or the ciphertext. */
export async function toStaffViews(em: EntityManager, pii: PiiCipher, customers: Customer[]): Promise<StaffCustomerView[]> {
  if (customers.length === 0) return [];
  const ids = customers.map((c) => c.id);
  const [bindings, tagRows] = await Promise.all([
    em.getRepository(CustomerClerk).findBy({ customerId: In(ids) }),
    em
      .getRepository(CustomerTag)
      .createQueryBuilder('ct')
      .innerJoin(Tag, 't', 't.id = ct.tag_id')
      .select(['ct.customer_id AS customerId', 't.id AS id', 't.name AS name', 't.tag_group AS tagGroup', 'ct.source AS source', 'ct.tagged_at AS taggedAt'])
      .where('ct.customer_id IN (:...ids)', { ids })
      .orderBy('ct.tagged_at', 'ASC')
      .getRawMany<{ customerId: number; id: number; name: string; tagGroup: string; source: string; taggedAt: string | Date }>(),
  ]);
  const clerkOf = new Map(bindings.map((b) => [b.customerId, b.staffId]));
  return customers.map((c) => ({
    id: c.id,
    isMember: c.memberSince !== null,
    phoneMasked: phoneMaskedOf(pii, c.phoneEnc),
    level: c.level,
    pointsBalance: c.pointsBalance,
    storeId: c.storeId,
    clerkId: clerkOf.get(c.id) ?? null,
    firstScanAt: c.firstScanAt?.toISOString() ?? null,
    lastVisitAt: c.lastVisitAt?.toISOString() ?? null,
    memberSince: c.memberSince?.toISOString() ?? null,
    tags: tagRows
      .filter((t) => Number(t.customerId) === c.id)
      .map((t) => ({ id: Number(t.id), name: t.name, group: t.tagGroup as never, source: t.source as never, at: toIso(t.taggedAt) })),
  }));
}

/** Raw SQLite rows give 'YYYY-MM-DD HH:MM:SS.SSS' in UTC; MySQL gives a Date. */
export function toIso(v: string | Date): string {
  if (v instanceof Date) return v.toISOString();
  return new Date(v.replace(' ', 'T') + (v.endsWith('Z') ? '' : 'Z')).toISOString();
}
