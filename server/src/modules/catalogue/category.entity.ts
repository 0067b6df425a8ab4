import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from '../../db/columns';

@Entity('category')
export class Category {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 32, unique: true })
  name!: string;

  @CreatedAt()
  createdAt!: Date;
}
