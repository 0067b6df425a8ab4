import crypto from 'node:crypto';
import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { CampaignRunner } from '../../src/modules/campaign/runner';
import { getCampaign } from '../../src/modules/campaign/campaign.service';
import { isHeldOut } from '../../src/modules/campaign/holdout';
import { BullmqQueue, MemoryQueue, type JobHandler, type JobQueue, type WorkOptions } from '../../src/modules/queue';
import { expectIssueInvariants } from '../coupon/helpers';
import { count, createCampaignApi, makeTemplate, marketerToken, seedMembers, waitForStatus } from './helpers';

const N = 10_000;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEASE_MS = 30_000;

/**
 * Must-show: a campaign to 10,000 members (5 % of them opted out) with 10 % holdout, killed twice mid-send —
 * the worker and its queue stopped abruptly, then a fresh runner and queue started over the same database — and
 * resumed to the end: no duplicate delivery, nothing to a customer without consent, the holdout exactly excluded,
 * the report equal to SQL counts. Run with the in-process queue and with BullMQ on Redis.
 */
for (const kind of ['memory', 'bullmq'] as const) {
  describeEachDb(
    `campaign fan-out to ${N} members, killed twice and resumed [${kind} queue]`,
    (get) => {
      const prefix = `o2o_t_${crypto.randomBytes(4).toString('hex')}`;
      const queues: JobQueue[] = [];
      const newQueue = (h: Harness): JobQueue => {
        const q = kind === 'memory' ? new MemoryQueue(h.deps.log) : new BullmqQueue(REDIS_URL, prefix, h.deps.log);
        queues.push(q);
        return q;
      };
      afterAll(async () => {
        if (kind === 'bullmq') {
          const cleaner = new BullmqQueue(REDIS_URL, prefix, get().deps.log);
          await cleaner.obliterate('campaign');
          await cleaner.close();
        }
      });

      it('0 duplicates, 0 sends without consent, holdout exactly excluded, report = SQL', async () => {
        const h = get();
        const mk = await marketerToken(h);
        const t = await makeTemplate(h, mk);
        const m = await seedMembers(h, N, { noConsent: (i) => i % 20 === 7 });
        const optedOut = new Set(m.ids.filter((_, i) => i % 20 === 7));
        const c = await createCampaignApi(h, mk, { templateId: t.id, rule: m.rule, holdoutPercent: 10 });

        const delivered = () => count(h, 'SELECT COUNT(*) AS n FROM campaign_delivery WHERE campaign_id = ?', [c.id]);
        /** A runner whose queue is killed (aborted, leases left taken) once `jobs` work items have finished. */
        const runKilledAfter = (jobs: number) => {
          let dead!: () => void;
          const killed = new Promise<void>((resolve) => (dead = resolve));
          let finished = 0;
          const q = newQueue(h);
          const runner: CampaignRunner = new CampaignRunner(
            h.deps,
            {
              kind: q.kind,
              enqueue: (name, js) => q.enqueue(name, js),
              pending: (name) => q.pending(name),
              close: (o) => q.close(o),
              work<T>(name: string, handler: JobHandler<T>, opts: WorkOptions) {
                q.work<T>(
                  name,
                  async (data, info) => {
                    await handler(data, info);
                    if (++finished === jobs) void runner.stop({ abort: true }).then(dead);
                  },
                  opts,
                );
              },
            },
            200,
          );
          return { runner: runner.start(), killed };
        };

        const first = runKilledAfter(8);
        expect((await h.http.post(`/api/admin/campaigns/${c.id}/send`).set(bearer(mk)).send({})).status).toBe(200);
        const expected = N - optedOut.size - m.ids.filter((id) => !optedOut.has(id) && isHeldOut(c.id, id, 10)).length;
        await first.killed;
        const atKill1 = await delivered();
        h.clock.advance(LEASE_MS + 1); // time passes; the dead worker's leases expire
        const second = runKilledAfter(12);
        await second.killed;
        const atKill2 = await delivered();
        h.clock.advance(LEASE_MS + 1);
        const third = new CampaignRunner(h.deps, newQueue(h), 200).start();
        // A job a killed worker had already fetched may still take a lease before it notices the kill; such a lease
        // expires with time, which the fixed test clock only lets pass when told to.
        const ticking = setInterval(() => h.clock.advance(LEASE_MS + 1), 3000);
        const done = await waitForStatus(h, c.id, ['completed'], 60_000).finally(() => clearInterval(ticking));
        await third.stop();
        // both kills happened mid-send
        expect(atKill1).toBeLessThan(expected);
        expect(atKill2).toBeLessThan(expected);
        expect(atKill2).toBeGreaterThan(atKill1);

        // holdout: exactly the hashed customers, none of them delivered
        const held = m.ids.filter((id) => !optedOut.has(id) && isHeldOut(c.id, id, 10));
        expect(done.progress).toMatchObject({ audience: N - optedOut.size, heldOut: held.length, excludedNoConsent: optedOut.size, delivered: expected, failed: 0, processed: expected });
        expect(held.length / (N - optedOut.size)).toBeGreaterThan(0.08);
        expect(held.length / (N - optedOut.size)).toBeLessThan(0.12);
        const heldRows = await h.deps.db.read((em) => em.query('SELECT customer_id FROM campaign_recipient WHERE campaign_id = ? AND held_out = 1', [c.id]));
        expect(heldRows.map((r: { customer_id: number }) => Number(r.customer_id)).sort((a: number, b: number) => a - b)).toEqual(held);
        expect(await count(h, 'SELECT COUNT(*) AS n FROM campaign_delivery d JOIN campaign_recipient r ON r.campaign_id = d.campaign_id AND r.customer_id = d.customer_id WHERE d.campaign_id = ? AND r.held_out = 1', [c.id])).toBe(0);

        // no duplicates anywhere: one delivery, one coupon, one inbox message per delivered customer
        expect(await count(h, 'SELECT COUNT(*) AS n FROM (SELECT customer_id FROM campaign_delivery WHERE campaign_id = ? GROUP BY customer_id HAVING COUNT(*) > 1) x', [c.id])).toBe(0);
        expect(await count(h, 'SELECT COUNT(*) AS n FROM coupon WHERE template_id = ?', [t.id])).toBe(expected);
        expect(await count(h, 'SELECT COUNT(DISTINCT customer_id) AS n FROM coupon WHERE template_id = ?', [t.id])).toBe(expected);
        expect(await count(h, 'SELECT COUNT(*) AS n FROM inbox_message WHERE campaign_id = ?', [c.id])).toBe(expected);
        await expectIssueInvariants(h);

        // nothing to a customer without consent
        const noConsent = await count(
          h,
          'SELECT COUNT(*) AS n FROM inbox_message i JOIN customer cu ON cu.id = i.customer_id WHERE i.campaign_id = ? AND cu.marketing_consent = 0',
          [c.id],
        );
        expect(noConsent).toBe(0);

        // the report equals SQL counts
        const r = (await h.http.get(`/api/admin/campaigns/${c.id}/report`).set(bearer(mk))).body.report;
        expect(r).toMatchObject({
          audience: await count(h, 'SELECT COUNT(*) AS n FROM campaign_recipient WHERE campaign_id = ?', [c.id]),
          heldOut: await count(h, 'SELECT COUNT(*) AS n FROM campaign_recipient WHERE campaign_id = ? AND held_out = 1', [c.id]),
          delivered: await count(h, "SELECT COUNT(*) AS n FROM campaign_delivery WHERE campaign_id = ? AND status = 'delivered'", [c.id]),
          couponsIssued: await count(h, "SELECT COUNT(*) AS n FROM coupon WHERE source = 'campaign' AND source_ref = ?", [`cmp${c.id}`]),
          redeemed: 0,
        });
        expect((await getCampaign(h.ctx, c.id)).status).toBe('completed');
      }, 120_000);
    },
    { env: { CAMPAIGN_BATCH_SIZE: '250', CAMPAIGN_CONCURRENCY: '2', CAMPAIGN_LEASE_MS: String(LEASE_MS), CAMPAIGN_TICK_MS: '200' } },
  );
}
