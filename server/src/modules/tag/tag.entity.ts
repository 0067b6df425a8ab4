import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { TagGroup } from '@o2o/shared';
import { CreatedAt } from '../../db/columns';

@Entity('tag')
@Unique('uq_tag_group_name', ['tagGroup', 'name'])
export class Tag {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  tagGroup!: TagGroup;

  @CreatedAt()
  createdAt!: Date;
}
