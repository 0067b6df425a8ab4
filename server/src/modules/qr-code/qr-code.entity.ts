import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { QrOwnerType } from '@o2o/shared';
import { CreatedAt } from '../../db/columns';

/** A printed mini-program code. `code` is public (in the scene) and random; `id` never leaves the console. */
@Entity('qr_code')
@Index('idx_qr_code_owner', ['storeId', 'staffId'])
export class QrCode {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'varchar', length: 24, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 16 })
  ownerType!: QrOwnerType;

  @Column({ type: 'int' })
  storeId!: number;

  @Column({ type: 'int', nullable: true })
  staffId!: number | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: 'active' | 'disabled';

  @CreatedAt()
  createdAt!: Date;
}
