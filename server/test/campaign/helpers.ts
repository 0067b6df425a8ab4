import crypto from 'node:crypto';
import type { Harness } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeTag } from '../helpers/fixtures';
import { insertIgnore, sqlTime } from '../../src/db/raw-sql';
import { Customer } from '../../src/modules/customer/customer.entity';
import { CampaignRunner } from '../../src/modules/campaign/runner';
import { getCampaign } from '../../src/modules/campaign/campaign.service';
import type { Job, JobHandler, JobQueue, WorkOptions } from '../../src/modules/queue';

export { marketerToken, makeTemplate } from '../coupon/helpers';

/** Campaign suites run with small batches so a few dozen members make several batches. */
export const CAMPAIGN_ENV = { CAMPAIGN_BATCH_SIZE: '10', CAMPAIGN_TICK_MS: '60000', CAMPAIGN_LEASE_MS: '30000', CAMPAIGN_CONCURRENCY: '2' };

let seq = 0;
export interface Members {
  ids: number[];
  tagId: number;
  /** A rule matching exactly these members. */
  rule: { type: 'tags'; match: 'any'; tagIds: number[] };
  openids: Map<number, string>;
  tokens: Map<number, string>;
}

/**
 * `n` members inserted in bulk, all carrying a fresh tag (so a rule targets exactly them), ascending ids.
 * `noConsent(i)` opts the i-th out of marketing; `clerk` binds them all to that clerk.
 */
export async function seedMembers(h: Harness, n: number, opts: { noConsent?: (i: number) => boolean; clerk?: { staffId: number; storeId: number } } = {}): Promise<Members> {
  const now = h.clock.now();
  const tag = await makeTag(h, `人群${crypto.randomBytes(3).toString('hex')}${++seq}`, 'custom');
  const prefix = `o_cmp_${crypto.randomBytes(4).toString('hex')}_`;
  await h.deps.db.transaction(async (tx) => {
    const rows = Array.from({ length: n }, (_, i) => [`${prefix}${i}`, sqlTime(now), opts.noConsent?.(i) ? 0 : 1, opts.clerk?.storeId ?? null]);
    await insertIgnore(tx, h.deps.db.dialect, 'customer', ['openid', 'member_since', 'marketing_consent', 'store_id'], rows);
  });
  const customers = await h.deps.db.read((em) =>
    em.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.openid']).where('c.openid LIKE :p', { p: `${prefix}%` }).orderBy('c.id', 'ASC').getMany(),
  );
  const ids = customers.map((c) => c.id);
  await h.deps.db.transaction(async (tx) => {
    await insertIgnore(tx, h.deps.db.dialect, 'customer_tag', ['customer_id', 'tag_id', 'source', 'tagged_at'], ids.map((id) => [id, tag.id, 'manual', sqlTime(now)]));
    if (opts.clerk) {
      const { staffId, storeId } = opts.clerk;
      await insertIgnore(
        tx,
        h.deps.db.dialect,
        'customer_clerk',
        ['customer_id', 'staff_id', 'store_id', 'rule', 'bound_at', 'protected_until'],
        ids.map((id) => [id, staffId, storeId, 'first_touch', sqlTime(now), sqlTime(now)]),
      );
    }
  });
  return {
    ids,
    tagId: tag.id,
    rule: { type: 'tags', match: 'any', tagIds: [tag.id] },
    openids: new Map(customers.map((c) => [c.id, c.openid])),
    tokens: new Map(ids.map((id) => [id, h.deps.tokens.issue({ aud: 'app', sub: id }, 3600, now).token])),
  };
}

export async function createCampaignApi(h: Harness, token: string, body: Record<string, unknown>) {
  const res = await h.http.post('/api/admin/campaigns').set(bearer(token)).send({ name: '双十一', message: { title: '送你一张券', body: '到店使用' }, ...body });
  if (res.status !== 201) throw new Error(`campaign ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.campaign as { id: number; status: string };
}

/** A queue the test drives by hand: jobs wait until `drain()` runs them one at a time, in order. */
export class ManualQueue implements JobQueue {
  readonly kind = 'memory' as const;
  readonly jobs: Job<unknown>[] = [];
  private handler: JobHandler<unknown> | null = null;
  private readonly abort = new AbortController();

  async enqueue<T>(_name: string, jobs: Job<T>[]): Promise<void> {
    this.jobs.push(...(jobs as Job<unknown>[]));
  }
  work<T>(_name: string, handler: JobHandler<T>, _opts: WorkOptions): void {
    this.handler = handler as JobHandler<unknown>;
  }
  async pending(): Promise<number> {
    return this.jobs.length;
  }
  async close(): Promise<void> {
    this.abort.abort();
  }
  /** Runs queued jobs (and those they cause) until none is left or `max` ran; returns how many ran. */
  async drain(max = Infinity): Promise<number> {
    let ran = 0;
    while (this.jobs.length > 0 && ran < max) {
      const job = this.jobs.shift()!;
      await this.handler!(job.data, { id: job.id, attempt: 1, signal: this.abort.signal });
      ran++;
    }
    return ran;
  }
  /** Runs every job queued now at the same time (two workers racing); returns how many ran. */
  async drainConcurrently(): Promise<number> {
    const batch = this.jobs.splice(0);
    await Promise.all(batch.map((job) => this.handler!(job.data, { id: job.id, attempt: 1, signal: this.abort.signal })));
    return batch.length;
  }
}

/** A runner over a manual queue: `step()` = one sweep (wait for it) then run what it queued. */
export function manualRunner(h: Harness) {
  const queue = new ManualQueue();
  const runner = new CampaignRunner(h.deps, queue, 3_600_000).start();
  return {
    runner,
    queue,
    async sweep() {
      await runner.idle();
      runner.wake();
      await runner.idle();
    },
    /** Sweeps and runs work until the queue stays empty. */
    async runAll() {
      for (let i = 0; i < 1000; i++) {
        await this.sweep();
        if ((await queue.drain()) === 0) return;
      }
      throw new Error('campaign work did not settle');
    },
    stop: () => runner.stop(),
  };
}

export async function waitForStatus(h: Harness, id: number, statuses: string[], timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = await getCampaign(h.ctx, id);
    if (statuses.includes(c.status)) return c;
    if (Date.now() > until) throw new Error(`campaign ${id} still ${c.status}: ${JSON.stringify(c.progress)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function count(h: Harness, sql: string, params: unknown[] = []): Promise<number> {
  const rows = (await h.deps.db.read((em) => em.query(sql, params))) as { n: number | string }[];
  return Number(rows[0]?.n ?? 0);
}
