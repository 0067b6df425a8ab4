import type { EntityManager } from 'typeorm';
import { audiencePages, countAudience } from '../segment/audience';
import type { Campaign } from './campaign.entity';
import { parseAudience } from './campaign-view';
import { chunks, inList } from '../../db/raw-sql';

export interface SnapshotAudience {
  /** Consenting customers in the target, ascending. */
  ids: number[];
  /** In the target but without marketing consent. */
  excludedNoConsent: number;
}

/**
 * Who a campaign goes to at `now`: the stored rule through the segment engine's SQL (the reference engine),
 * with consent as one more clause — or, for a clerk offer, the listed customers still owned by the clerk.
 */
export async function resolveSnapshotAudience(em: EntityManager, c: Campaign, now: Date): Promise<SnapshotAudience> {
  const audience = parseAudience(c);
  if ('rule' in audience) {
    const ids: number[] = [];
    for await (const page of audiencePages(em, { type: 'all', rules: [audience.rule, { type: 'consent', value: true }] }, now)) for (const id of page) ids.push(id);
    const excludedNoConsent = await countAudience(em, { type: 'all', rules: [audience.rule, { type: 'consent', value: false }] }, now);
    return { ids, excludedNoConsent };
  }
  const ids: number[] = [];
  let excludedNoConsent = 0;
  for (const part of chunks(audience.customerIds, 1000)) {
    const rows: { id: number; consent: number | boolean }[] = await em.query(
      `SELECT c.id AS id, c.marketing_consent AS consent FROM customer c JOIN customer_clerk cc ON cc.customer_id = c.id AND cc.staff_id = ?
       WHERE c.id IN ${inList(part)}`,
      [c.clerkId, ...part],
    );
    for (const r of rows) {
      if (Number(r.consent) === 1 || r.consent === true) ids.push(Number(r.id));
      else excludedNoConsent++;
    }
  }
  return { ids: ids.sort((a, b) => a - b), excludedNoConsent };
}
