import type { EntityManager } from 'typeorm';
import { exec } from '../../db/raw-sql';

/**
 * A template's stock, moved only by these conditional updates (bound values). Every issuing path — one claim, a
 * claim group, a campaign batch — takes stock here, so the rule "never above total_stock, only while active" has
 * one statement; CHECK (issued_count <= total_stock) is the last guard.
 */

/** Takes `n` units: true when the template was active and had them (one affected row), false and no change otherwise. */
export async function takeStock(tx: EntityManager, templateId: number, n: number): Promise<boolean> {
  const taken = await exec(
    tx,
    "UPDATE coupon_template SET issued_count = issued_count + ?, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND status = 'active' AND (total_stock IS NULL OR issued_count + ? <= total_stock)",
    [n, templateId, n],
  );
  return taken === 1;
}

/** Gives back `n` units taken in this transaction and not used (rows a batch could not insert). */
export async function giveBackStock(tx: EntityManager, templateId: number, n: number): Promise<void> {
  await exec(tx, 'UPDATE coupon_template SET issued_count = issued_count - ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?', [n, templateId]);
}
