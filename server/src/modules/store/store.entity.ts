import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { StoreStatus } from '@o2o/shared';
import { CreatedAt, UpdatedAt } from '../../db/columns';

@Entity('store')
@Index('idx_store_region', ['region'])
export class Store {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  /** Brand's own store number, unique. */
  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  city!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  address!: string | null;

  /** The brand's own grouping of stores (华东一区…): bulk poster changes by region, later a regional manager's scope. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  region!: string | null;

  /** WGS-84 (wx.getLocation's default), for the consumer's nearest-store list; null when unknown. */
  @Column({ type: 'double', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double', nullable: true })
  longitude!: number | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: StoreStatus;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
