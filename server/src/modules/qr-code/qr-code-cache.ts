import type { Db } from '../../db/db';

/** What a scan needs to know about a code, apart from the instant: its tags are picked from `schedules` at scan time. */
export interface CodeFacts {
  id: number;
  storeId: number;
  storeName: string;
  ownerType: 'store' | 'clerk';
  activeClerkId: number | null;
  activeClerkName: string | null;
  /** Every schedule of the code, past and future: the scan instant decides which are in force. */
  schedules: { tagId: number; validFrom: number; validTo: number | null }[];
}

/** Long enough to absorb a burst of scans of one poster, short enough that a missed invalidation fades quickly. */
export const CODE_FACTS_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Per-process memory of resolved codes, so a scan does not read the code, its store, its clerk and its
 * schedules again for every visitor of the same poster. Entries live CODE_FACTS_TTL_MS of real time (not
 * the injectable clock: tests move that one at will). Every write that changes what a code resolves to
 * calls `invalidate()` after its commit; other processes see the change once their entry expires.
 *
 * A lookup that started before an invalidation does not store what it read (generation check), so an
 * invalidation is never undone by a slow reader that saw the old rows.
 */
export class CodeFactsCache {
  private readonly entries = new Map<string, { facts: CodeFacts; expiresAt: number }>();
  private generation = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get(code: string): CodeFacts | null {
    const hit = this.entries.get(code);
    if (!hit) return null;
    if (hit.expiresAt <= this.now()) {
      this.entries.delete(code);
      return null;
    }
    return hit.facts;
  }

  /** Call before reading the database; pass the result to `set`. */
  begin(): number {
    return this.generation;
  }

  set(code: string, facts: CodeFacts, generation: number): void {
    if (generation !== this.generation) return;
    // Bounded: the oldest entry (Map keeps insertion order) makes room. Unknown codes are never stored.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(code, { facts, expiresAt: this.now() + CODE_FACTS_TTL_MS });
  }

  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }
}

// One cache per database handle: two harnesses in one test process never share entries.
const caches = new WeakMap<Db, CodeFactsCache>();

export function codeFactsCache(db: Db): CodeFactsCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new CodeFactsCache()));
  return cache;
}

/**
 * Forget every resolved code of this process. For writes outside this module that change what a code
 * resolves to: a store closing or renaming, a clerk leaving, moving store or renaming. Call after commit.
 */
export function forgetResolvedQrCodes(db: Db): void {
  codeFactsCache(db).invalidate();
}
