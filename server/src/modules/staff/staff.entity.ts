import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { StaffRole, StaffStatus } from '@o2o/shared';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';

/** Clerks, store managers, marketers and admins. Store roles carry a storeId; console roles log in with a password. */
@Entity('staff')
@Index('idx_staff_store_role', ['storeId', 'role'])
export class Staff {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int', nullable: true })
  storeId!: number | null;

  @Column({ type: 'varchar', length: 16 })
  role!: StaffRole;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: StaffStatus;

  @Column({ type: 'varchar', length: 64, nullable: true, unique: true })
  username!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  passwordHash!: string | null;

  /** WeChat identity bound through an invite code; one staff record per openid. */
  @Column({ type: 'varchar', length: 64, nullable: true, unique: true })
  openid!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true, unique: true })
  inviteCode!: string | null;

  /** Bumped to revoke every token issued before (role change, leaving, password reset). */
  @Column({ type: 'int', default: 0 })
  tokenVersion!: number;

  @DateTimeColumn({ nullable: true })
  leftAt!: Date | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
