import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { TagSource } from '@o2o/shared';
import { DateTimeColumn } from '../../db/columns';

/** A tag on a customer, with where it came from. One row per (customer, tag): the first source wins. */
@Entity('customer_tag')
@Unique('uq_customer_tag', ['customerId', 'tagId'])
@Index('idx_customer_tag_tag', ['tagId', 'customerId'])
@Index('idx_customer_tag_expires', ['expiresAt'])
export class CustomerTag {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  customerId!: number;

  @Column({ type: 'int' })
  tagId!: number;

  @Column({ type: 'varchar', length: 16 })
  source!: TagSource;

  /** e.g. the qr code id for `qr`, the staff id for `manual`. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  sourceRef!: string | null;

  @DateTimeColumn()
  taggedAt!: Date;

  @DateTimeColumn({ nullable: true })
  expiresAt!: Date | null;
}
