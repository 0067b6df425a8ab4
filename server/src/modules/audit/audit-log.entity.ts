import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from '../../db/columns';

/**
 * Who changed what in the console. Written by `audit()` inside the use case's own transaction, so a change and
 * its audit row commit together or not at all. Append-only; never updated.
 */
@Entity('audit_log')
@Index('idx_audit_created', ['createdAt'])
@Index('idx_audit_target', ['targetType', 'targetId'])
@Index('idx_audit_actor', ['actorStaffId', 'createdAt'])
@Index('idx_audit_store', ['storeId', 'createdAt'])
export class AuditLog {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  /** null for system jobs. */
  @Column({ type: 'int', nullable: true })
  actorStaffId!: number | null;

  /** Copied at write time: a renamed or removed staff member still reads right in old entries. */
  @Column({ type: 'varchar', length: 64 })
  actorName!: string;

  /** `<area>.<verb>`, e.g. `store.import`, `staff.leave`, `qr.schedule_tag`, `points.adjust`, `refund.request`. */
  @Column({ type: 'varchar', length: 48 })
  action!: string;

  @Column({ type: 'varchar', length: 32 })
  targetType!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  targetId!: string | null;

  /** The store the change belongs to, when it has one (a store manager sees their store's entries). */
  @Column({ type: 'int', nullable: true })
  storeId!: number | null;

  /** One line a person reads in the list (Chinese in the console's words). */
  @Column({ type: 'varchar', length: 500 })
  summary!: string;

  /** JSON: before/after or the command, never a phone number or a secret. */
  @Column({ type: 'text', nullable: true })
  details!: string | null;

  @CreatedAt()
  createdAt!: Date;
}
