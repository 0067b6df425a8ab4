import crypto from 'node:crypto';

export interface EncryptedResource {
  algorithm?: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/**
 * AEAD_AES_256_GCM as WeChat Pay uses it: key = the APIv3 key's bytes, IV = the 12-character nonce,
 * ciphertext = base64(encrypted ‖ 16-byte tag). `final()` checks the tag — wechatpay-node-v3's
 * decipher_gcm skips it, which would accept a tampered or wrongly-bound resource. Throws on any mismatch.
 */
export function decryptResource(resource: EncryptedResource, apiV3Key: Buffer): string {
  if (resource.algorithm !== undefined && resource.algorithm !== 'AEAD_AES_256_GCM') throw new Error(`unsupported algorithm ${resource.algorithm}`);
  const buf = Buffer.from(resource.ciphertext, 'base64');
  if (buf.length <= 16) throw new Error('ciphertext too short');
  const iv = Buffer.from(resource.nonce, 'utf8');
  if (iv.length !== 12) throw new Error('nonce must be 12 bytes');
  const decipher = crypto.createDecipheriv('aes-256-gcm', apiV3Key, iv, { authTagLength: 16 });
  decipher.setAuthTag(buf.subarray(buf.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(buf.subarray(0, buf.length - 16)), decipher.final()]).toString('utf8');
}
