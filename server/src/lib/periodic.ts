import type { Logger } from './logger';

/**
 * Runs `pass` every `intervalMs` in this process, never two passes at once (a slow pass skips ticks instead of
 * piling up). The timer does not keep the process alive; `stop()` waits for a pass in progress. Jobs run this way
 * must be idempotent: every server process runs them.
 */
export function startPeriodic(log: Logger, name: string, intervalMs: number, pass: () => Promise<void>): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = pass()
      .catch((err) => log.error({ err, job: name }, `${name} failed`))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
