import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A line of an order, with the prices in force when it was placed (the catalogue may change later). */
@Entity('order_item')
@Index('idx_order_item_order', ['orderId'])
@Check('chk_order_item_returned', 'returned_quantity >= 0 AND returned_quantity <= quantity')
export class OrderItem {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'int' })
  orderId!: number;

  @Column({ type: 'int' })
  productId!: number;

  @Column({ type: 'varchar', length: 32 })
  sku!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'int' })
  categoryId!: number;

  @Column({ type: 'int' })
  quantity!: number;

  /** Sale price. */
  @Column({ type: 'int' })
  unitPriceFen!: number;

  /** What this customer pays per unit in cash (member price if it applied). */
  @Column({ type: 'int' })
  unitCashFen!: number;

  @Column({ type: 'int' })
  unitPoints!: number;

  /** Points given per unit by a 会员价送积分 price (0 when none). */
  @Column({ type: 'int', default: 0 })
  unitPointsGiven!: number;

  /**
   * Cash actually paid for the whole line: the line's cash less its share of the coupon discount and the points
   * offset (allocated by largest remainder so the lines add up to the order's payable exactly). What a return of
   * this line gives back: floor(paidFen × returned / quantity), the last unit taking the remainder.
   */
  @Column({ type: 'int', default: 0 })
  paidFen!: number;

  /** Units returned so far (till returns); never above quantity (conditional update). */
  @Column({ type: 'int', default: 0 })
  returnedQuantity!: number;
}
