import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTimeColumn } from '../../db/columns';

/**
 * Guess counters shared by every api process (attempt-limit.ts): one row per (scope, subject) — a console
 * username, a client address, a WeChat identity. `attempts` counts the window's failed attempts plus the ones in
 * flight (reserved before the work, given back on success), so N parallel guesses can never all be evaluated.
 */
@Entity('attempt_counter')
export class AttemptCounter {
  @PrimaryColumn({ type: 'varchar', length: 24 })
  scope!: string;

  @PrimaryColumn({ type: 'varchar', length: 96 })
  subject!: string;

  @DateTimeColumn()
  windowStart!: Date;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** Lockouts in a row (reset by a success): the next lock lasts twice as long. */
  @Column({ type: 'int', default: 0 })
  lockouts!: number;

  @DateTimeColumn({ nullable: true })
  lockedUntil!: Date | null;
}
