import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAt } from '../../db/columns';

/** The PNG from wxacode.getUnlimited, fetched once and cached (the API is rate limited). */
@Entity('qr_code_image')
export class QrCodeImage {
  @PrimaryColumn({ type: 'int' })
  qrCodeId!: number;

  @Column({ type: 'blob' })
  png!: Buffer;

  @CreatedAt()
  createdAt!: Date;
}
