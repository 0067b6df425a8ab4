import { describeEachDb } from '../helpers/harness';
import { emit } from '../../src/events/outbox';
import { startWorkers } from '../../src/events/workers';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { runServer, runWorker } from '../../src/main';
import { segmentIndexOf } from '../../src/modules/segment/index-runtime';
import type { Deps } from '../../src/context';
// Graceful, bounded shutdown: MySQL/MariaDB-only cases (a second process on the harness's database).
import './shutdown.cases';

/**
 * PROCESS_ROLE: an `api` process serves HTTP and keeps the segment index (fed by its own outbox tail) but claims no
 * events; a `worker` process delivers the events and runs the jobs, with no index.
 */
describeEachDb('process roles', (get) => {
  const as = (role: 'api' | 'worker'): Deps => ({ ...get().deps, config: { ...get().deps.config, role } });
  const statusOf = async (type: string) =>
    get().deps.db.read(async (em) => (await em.getRepository(OutboxEvent).find({ where: { type }, order: { id: 'DESC' }, take: 1 }))[0]?.status);
  const waitFor = async (check: () => Promise<boolean>, ms = 5_000) => {
    const until = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  };

  it('an api process claims no events and holds a segment index; a worker delivers them and holds none', async () => {
    const h = get();
    const api = startWorkers(as('api'));
    try {
      expect(api.outbox).toBeNull();
      expect(segmentIndexOf(h.deps.db)).not.toBeNull();
      await h.deps.db.transaction((tx) => emit(tx, 'payment.quarantined', { notificationId: 1, outTradeNo: 'R1', reason: 'role test' }, h.clock.now()));
      await new Promise((r) => setTimeout(r, 300));
      expect(await statusOf('payment.quarantined')).toBe('pending'); // nobody here delivers it
    } finally {
      await api.stop();
    }
    expect(segmentIndexOf(h.deps.db)).toBeNull();

    const worker = startWorkers(as('worker'));
    try {
      expect(worker.outbox).not.toBeNull();
      expect(segmentIndexOf(h.deps.db)).toBeNull();
      expect(await waitFor(async () => (await statusOf('payment.quarantined')) === 'done')).toBe(true);
    } finally {
      await worker.stop();
    }
  });

  it('each entry point refuses the other role', async () => {
    const h = get();
    await expect(runServer({ ...h.deps.config, role: 'worker' }, { deps: h.deps })).rejects.toThrow(/runWorker/);
    await expect(runWorker({ ...h.deps.config, role: 'api' }, { deps: h.deps })).rejects.toThrow(/PROCESS_ROLE=worker/);
  });
});
