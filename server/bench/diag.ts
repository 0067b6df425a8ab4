/**
 * What a benchmark phase cost, besides its request rate: CPU of each process involved (from /proc, so
 * Linux only; elsewhere the figures are left out) and MariaDB's own counters over the phase.
 * Printed by the benches so a regression shows where it comes from (more statements, lock waits, fsyncs,
 * or one side of the 2 cores saturated).
 */
import fs from 'node:fs';
import os from 'node:os';
import type { Connection } from 'mysql2/promise';

const TICK_HZ = 100; // USER_HZ: /proc reports CPU time in 1/100 s on every Linux we run on

function procTicks(pid: number): number | null {
  try {
    // fields after the command name, which is in parentheses and may contain spaces
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]); // utime + stime
  } catch {
    return null;
  }
}

function hostBusyTicks(): number | null {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return cpu.reduce((a, b) => a + b, 0) - cpu[3] - (cpu[4] ?? 0); // minus idle and iowait
  } catch {
    return null;
  }
}

/** CPU used by each named process during the phase, in % of one core (the machine has os.cpus().length). */
export function cpuSampler(pids: Record<string, number | undefined>) {
  const started = Date.now();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? procTicks(pid) : null]));
  const hostBefore = hostBusyTicks();
  return () => {
    const seconds = (Date.now() - started) / 1000;
    const pct = (ticks: number) => Math.round((100 * ticks) / TICK_HZ / seconds);
    const out: Record<string, number> = {};
    let ours = 0;
    for (const [name, pid] of Object.entries(pids)) {
      const b = before[name];
      const a = pid ? procTicks(pid) : null;
      if (a === null || b === null) continue;
      out[name] = pct(a - b);
      ours += a - b;
    }
    const hostAfter = hostBusyTicks();
    if (hostBefore !== null && hostAfter !== null) {
      out.host = pct(hostAfter - hostBefore);
      // anything else on the machine (another session's build, a test run): a run with a lot of it is noise
      out.other = Math.max(0, pct(hostAfter - hostBefore - ours));
    }
    return out;
  };
}

export function formatCpu(cpu: Record<string, number>): string {
  const cores = os.cpus().length;
  return `CPU % of one core (${cores} cores = ${cores * 100} %): ` + Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ');
}

/** Find the MariaDB server's pid (same machine only), for the CPU sampler. */
export function mariadbPid(): number | undefined {
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
    }
  } catch {
    /* not Linux, or not allowed */
  }
  return undefined;
}

const COUNTERS = [
  'Questions',
  'Com_select',
  'Com_insert',
  'Com_update',
  'Com_commit',
  'Com_rollback',
  'Com_set_option',
  'Innodb_row_lock_waits',
  'Innodb_row_lock_time',
  'Innodb_deadlocks',
  'Innodb_log_writes',
  'Innodb_data_fsyncs',
  'Handler_read_key',
  'Handler_read_next',
  'Handler_read_rnd_next',
  'Handler_write',
  'Handler_update',
];

async function globalStatus(conn: Connection): Promise<Record<string, number>> {
  const [rows] = (await conn.query(`SHOW GLOBAL STATUS WHERE Variable_name IN (${COUNTERS.map(() => '?').join(',')})`, COUNTERS)) as unknown as [
    { Variable_name: string; Value: string }[],
  ];
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

/**
 * MariaDB counters over a phase, per completed request. Global counters: the bench's own few queries and
 * anything else using the server show up too, so read them next to the "other" CPU figure.
 */
export async function statusSampler(conn: Connection) {
  const before = await globalStatus(conn);
  return async (requests: number) => {
    const after = await globalStatus(conn);
    const per = (k: string) => (after[k] - before[k]) / Math.max(1, requests);
    const total = (k: string) => after[k] - before[k];
    return (
      `MariaDB per request: ${per('Questions').toFixed(1)} statements (select ${per('Com_select').toFixed(1)}, insert ${per('Com_insert').toFixed(1)}, ` +
      `update ${per('Com_update').toFixed(1)}, commit ${per('Com_commit').toFixed(2)}, set ${per('Com_set_option').toFixed(1)}), ` +
      `log writes ${per('Innodb_log_writes').toFixed(2)}, data fsyncs ${per('Innodb_data_fsyncs').toFixed(2)}, rows scanned ${(per('Handler_read_next') + per('Handler_read_rnd_next')).toFixed(1)}; ` +
      `whole phase: row lock waits ${total('Innodb_row_lock_waits')} (${total('Innodb_row_lock_time')} ms), deadlocks ${total('Innodb_deadlocks')}, rollbacks ${total('Com_rollback')}`
    );
  };
}

/**
 * Waits (at most `maxWaitMs`) until the rest of the machine uses less than `maxOtherPct` % of a core,
 * measured over 1 s, so another session's build or test run does not end up in the figures.
 * Returns the last measurement; the caller prints it next to the result.
 */
export async function waitForQuiet(pids: Record<string, number | undefined>, maxOtherPct = 30, maxWaitMs = 60_000): Promise<number> {
  const until = Date.now() + maxWaitMs;
  for (;;) {
    const sample = cpuSampler(pids);
    await new Promise((r) => setTimeout(r, 1000));
    const other = sample().other ?? 0;
    if (other < maxOtherPct || Date.now() > until) return other;
  }
}
