import http from 'node:http';

/** What one endpoint case measured: latency percentiles (ms) over the measured requests, and what came back. */
export interface LatencyResult {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  rps: number;
  /** Count per HTTP status (a case is only meaningful when every answer is 200). */
  statuses: Record<number, number>;
  /** The first non-2xx answer's body (trimmed), to say why a case failed. */
  firstError: string | null;
  /** Bytes of the last 2xx body (a page of 20 rows should be a few KB). */
  bytes: number;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/**
 * Closed-loop load: `concurrency` clients on keep-alive sockets, each sending its next request when the previous
 * one answered, until `n` measured requests are done (after `warmup` unmeasured ones: the first requests of a
 * route warm its code and the database's buffer pool). Each latency is one request's send → full body.
 * `path` may be a function of the request number (to vary a filter without hitting one cached row).
 */
export async function closedLoop(opts: {
  base: string;
  path: string | ((i: number) => string);
  headers?: Record<string, string>;
  n: number;
  concurrency: number;
  warmup?: number;
}): Promise<LatencyResult> {
  const target = new URL(opts.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const lat: number[] = [];
  const statuses: Record<number, number> = {};
  let firstError: string | null = null;
  let bytes = 0;
  let next = 0;
  const warmup = opts.warmup ?? Math.min(20, opts.n);
  const total = warmup + opts.n;
  const pathOf = (i: number) => (typeof opts.path === 'function' ? opts.path(i) : opts.path);
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const t = performance.now();
      const req = http.request({ host: target.hostname, port: target.port, path: pathOf(i), method: 'GET', headers: { accept: 'application/json', ...opts.headers }, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t;
          const status = res.statusCode ?? 0;
          if (i >= warmup) {
            lat.push(ms);
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
          const body = Buffer.concat(chunks);
          if (status >= 200 && status < 300) bytes = body.length;
          else firstError ??= `${status} ${body.toString('utf8').slice(0, 200)}`;
          resolve();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  let started = 0;
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      if (i === warmup) started = performance.now();
      await one(i);
    }
  };
  started = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return { n: lat.length, p50: r1(percentile(lat, 50)), p95: r1(percentile(lat, 95)), p99: r1(percentile(lat, 99)), max: r1(lat[lat.length - 1] ?? NaN), rps: Math.round(lat.length / elapsed), statuses, firstError, bytes };
}
