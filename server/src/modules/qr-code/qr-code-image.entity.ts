import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAt } from '../../db/columns';

/**
 * The image from wxacode.getUnlimited, fetched once and cached (the API is rate limited). Stored in
 * chunks of at most IMAGE_CHUNK_BYTES because MySQL's `blob` stops at 64 KB and SQLite has no larger type
 * name; chunks keep one portable schema for posters of any width.
 */
export const IMAGE_CHUNK_BYTES = 48 * 1024;

@Entity('qr_code_image')
export class QrCodeImage {
  @PrimaryColumn({ type: 'int' })
  qrCodeId!: number;

  @PrimaryColumn({ type: 'int' })
  chunkNo!: number;

  /** Number of chunks of the whole image (same on every chunk), to detect a partial write. */
  @Column({ type: 'int' })
  chunkCount!: number;

  @Column({ type: 'blob' })
  data!: Buffer;

  @CreatedAt()
  createdAt!: Date;
}
