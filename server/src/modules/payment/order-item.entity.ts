import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A line of an order, with the prices in force when it was placed (the catalogue may change later). */
@Entity('order_item')
@Index('idx_order_item_order', ['orderId'])
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
}
