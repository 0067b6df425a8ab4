import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The lines of a till return (which units came back and the cash each gave back). */
@Entity('refund_line')
export class RefundLine {
  @PrimaryColumn({ type: 'int' })
  refundId!: number;

  @PrimaryColumn({ type: 'int' })
  orderItemId!: number;

  @Column({ type: 'int' })
  quantity!: number;

  @Column({ type: 'int' })
  amountFen!: number;
}
