/**
 * What bench:claim and bench:redeem share: the bare baseline loop — N concurrent callers on a mysql2 pool (text
 * protocol, what TypeORM uses) running one unit of work back to back for a fixed time, in THIS process, against the
 * same MariaDB database as the product path.
 */
export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
export const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const POOL = Number(process.env.BENCH_POOL ?? 16);

export interface LoopResult {
  ops: number;
  rps: number;
  p99: number;
  p50: number;
}

/**
 * `callers` loops run `work(i)` (i = a global sequence number) until `durationMs` has passed or `work` returns
 * false (out of input). Latency per call in ms; p99 over all calls.
 */
export async function timedLoop(callers: number, durationMs: number, work: (i: number) => Promise<boolean>): Promise<LoopResult> {
  const lat: number[] = [];
  let seq = 0;
  let stop = false;
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (!stop && performance.now() < until) {
        const t0 = performance.now();
        if (!(await work(seq++))) {
          stop = true;
          break;
        }
        lat.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => (lat.length ? Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] * 10) / 10 : 0);
  return { ops: lat.length, rps: lat.length / seconds, p99: pct(0.99), p50: pct(0.5) };
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
