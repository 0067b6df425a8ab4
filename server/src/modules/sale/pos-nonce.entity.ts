import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateTimeColumn } from '../../db/columns';

/**
 * Nonces seen from a terminal within the signature window (±300 s). The primary key makes a replay fail its
 * insert, in every api process at once; rows older than the window are purged by the sweeper.
 */
@Entity('pos_nonce')
@Index('idx_pos_nonce_seen', ['seenAt'])
export class PosNonce {
  @PrimaryColumn({ type: 'int' })
  terminalId!: number;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  nonce!: string;

  @DateTimeColumn()
  seenAt!: Date;
}
