import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, UpdatedAt } from '../../db/columns';

/** A SKU. Prices are integer fen; the member price is cash + points (e.g. 190 fen + 6 points). */
@Entity('product')
@Index('idx_product_category', ['categoryId'])
export class Product {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 32, unique: true })
  sku!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'int' })
  categoryId!: number;

  @Column({ type: 'int' })
  priceFen!: number;

  @Column({ type: 'int', nullable: true })
  memberPriceFen!: number | null;

  @Column({ type: 'int', nullable: true })
  memberPoints!: number | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: 'active' | 'inactive';

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
