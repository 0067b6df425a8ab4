import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn, UpdatedAt } from '../../db/columns';

/**
 * A till's credential for the POS API (one per store terminal). The secret is never stored: it is derived as
 * HMAC(POS_KEY_SECRET, keyId ‖ salt) when the terminal is created, shown once, and re-derived to verify each
 * request, so a database dump alone cannot sign. `secretHash` (sha256 of the secret) is kept to show a
 * fingerprint and to prove the derivation in tests. Revocation takes effect on the next request (no cache).
 */
@Entity('pos_terminal')
@Index('idx_pos_terminal_store', ['storeId'])
export class PosTerminal {
  @PrimaryGeneratedColumn({ type: 'int' })
  id!: number;

  /** Public key id sent with every request: `pk_` + 20 base32 characters. */
  @Column({ type: 'varchar', length: 32, unique: true })
  keyId!: string;

  @Column({ type: 'int' })
  storeId!: number;

  /** 收银台 1, 前台… as the store names its tills. */
  @Column({ type: 'varchar', length: 40 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  salt!: string;

  @Column({ type: 'varchar', length: 64 })
  secretHash!: string;

  @Column({ type: 'int' })
  createdBy!: number;

  @DateTimeColumn({ nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  revokedBy!: number | null;

  @DateTimeColumn({ nullable: true })
  lastUsedAt!: Date | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
