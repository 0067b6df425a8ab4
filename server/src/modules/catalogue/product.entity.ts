import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, UpdatedAt } from '../../db/columns';

/** A SKU. Prices are integer fen; the member price is cash + points (e.g. 190 fen + 6 points). */
@Entity('product')
@Check('chk_product_points_spent_or_given', 'member_points IS NULL OR member_points = 0 OR member_points_given IS NULL OR member_points_given = 0')
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

  /**
   * 会员价送积分: points GIVEN to a member who buys at the member price (the source's "会员价99元送50积分"),
   * credited when the sale is paid and reversed in proportion on refund or return, like earned points.
   * A member price either spends points (memberPoints) or gives them (this), never both (CHECK).
   */
  @Column({ type: 'int', nullable: true })
  memberPointsGiven!: number | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: 'active' | 'inactive';

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
