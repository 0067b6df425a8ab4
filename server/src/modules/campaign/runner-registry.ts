import type { Db } from '../../db/db';

/**
 * The campaign runner of this process, per database handle, so a use case can wake it after commit without
 * holding a queue. No runner (a process without workers) is fine: another process's sweeper picks the work up.
 */
const runners = new WeakMap<Db, { wake(): void }>();

export function registerCampaignRunner(db: Db, runner: { wake(): void }): () => void {
  runners.set(db, runner);
  return () => {
    if (runners.get(db) === runner) runners.delete(db);
  };
}

export function wakeCampaignRunner(db: Db): void {
  runners.get(db)?.wake();
}
