import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from '../../db/columns';

@Entity('category')
export class Category {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 32, unique: true })
  name!: string;

  /** The category-preference tag a purchase in this category gives the customer. */
  @Column({ type: 'int', nullable: true })
  tagId!: number | null;

  @CreatedAt()
  createdAt!: Date;
}
