import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTimeColumn } from '../../db/columns';

/**
 * A member code spent on a sale: (customer, window) is the primary key, so a code makes at most one sale even
 * when two tills commit it at the same instant (the second insert fails and its transaction rolls back).
 */
@Entity('member_code_use')
export class MemberCodeUse {
  @PrimaryColumn({ type: 'int' })
  customerId!: number;

  @PrimaryColumn({ type: 'int' })
  codeWindow!: number;

  @Column({ type: 'int' })
  orderId!: number;

  @DateTimeColumn()
  usedAt!: Date;
}
