import crypto from 'node:crypto';
import { createLogger } from '../../src/lib/logger';
import { BullmqQueue, MemoryQueue, throwIfAborted, type JobQueue } from '../../src/modules/queue';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same contract for both backends: every job runs, concurrency is bounded, failures retry, abort stops. */
for (const kind of ['memory', 'bullmq'] as const) {
  describe(`job queue [${kind}]`, () => {
    const prefix = `o2o_tq_${crypto.randomBytes(4).toString('hex')}`;
    const make = (): JobQueue => (kind === 'memory' ? new MemoryQueue(log, () => 10) : new BullmqQueue(REDIS_URL, prefix, log));
    afterAll(async () => {
      if (kind !== 'bullmq') return;
      const q = new BullmqQueue(REDIS_URL, prefix, log);
      for (const name of ['all', 'retry', 'abort']) await q.obliterate(name);
      await q.close();
    });

    it('runs every job once, at most `concurrency` at a time', async () => {
      const q = make();
      const seen: number[] = [];
      let running = 0;
      let peak = 0;
      q.work<{ i: number }>('all', async ({ i }) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(5);
        seen.push(i);
        running--;
      }, { concurrency: 3 });
      await q.enqueue('all', Array.from({ length: 40 }, (_, i) => ({ id: `a_${i}`, data: { i } })));
      for (let t = 0; seen.length < 40 && t < 500; t++) await sleep(20);
      await q.close();
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(peak).toBeLessThanOrEqual(3);
      expect(peak).toBeGreaterThan(1);
    });

    it('retries a failing job (attempt numbers grow) until it succeeds', async () => {
      const q = make();
      const attempts: number[] = [];
      q.work('retry', async (_d, job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new Error('transient');
      }, { concurrency: 1, attempts: 3 });
      await q.enqueue('retry', [{ id: 'r_1', data: {} }]);
      for (let t = 0; attempts.length < 3 && t < 300; t++) await sleep(20);
      await q.close();
      expect(attempts).toEqual([1, 2, 3]);
    });

    it('close({abort}) signals running jobs and takes no more', async () => {
      const q = make();
      let started = 0;
      let aborted = 0;
      q.work('abort', async (_d, job) => {
        started++;
        await sleep(50);
        try {
          throwIfAborted(job.signal);
        } catch (err) {
          aborted++;
          throw err;
        }
      }, { concurrency: 2 });
      await q.enqueue('abort', Array.from({ length: 10 }, (_, i) => ({ id: `x_${i}`, data: {} })));
      for (let t = 0; started < 2 && t < 200; t++) await sleep(5);
      await q.close({ abort: true });
      await sleep(100);
      expect(started).toBe(2);
      expect(aborted).toBe(2);
    });
  });
}

describe('BullMQ with Redis down (issue 18 defect 11)', () => {
  jest.setTimeout(15_000);
  it('reports the outage in the structured log, rate-limited, and prints nothing to stderr', async () => {
    const lines: string[] = [];
    const sink = new (require('node:stream').Writable)({
      write(chunk: Buffer, _enc: string, cb: () => void) {
        lines.push(String(chunk));
        cb();
      },
    });
    const errSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const stderrSpy = jest.spyOn(process.stderr, 'write');
    // Nothing listens on port 1: every connection attempt fails.
    const q = new BullmqQueue('redis://127.0.0.1:1', `o2o_down_${crypto.randomBytes(3).toString('hex')}`, createLogger('info', sink));
    q.work('down', async () => undefined, { concurrency: 1 });
    // (an enqueue would wait for Redis forever: BullMQ's connection never gives up on a command)
    await sleep(1500);
    const t0 = Date.now();
    await q.close({ abort: true });
    expect(Date.now() - t0).toBeLessThan(4_000);
    const outage = lines.filter((l) => l.includes('queue unavailable'));
    try {
      expect(errSpy).not.toHaveBeenCalled();
      expect(stderrSpy.mock.calls.filter((c) => String(c[0]).includes('ECONNREFUSED'))).toEqual([]);
      expect(outage.length).toBeGreaterThan(0);
      // reconnect attempts repeat many times a second; the log says it once per message per 10 s
      expect(outage.length).toBeLessThanOrEqual(4);
    } finally {
      await sleep(100);
      errSpy.mockRestore();
      stderrSpy.mockRestore();
    }
  });
});
