import { committerFor } from '../../db/group-commit';
import { settleGroup } from './settlement-batch';

/**
 * The process's group settler: TRANSACTION.SUCCESS notifications that arrive together are settled in groups of up
 * to 32 (`settleGroup`), two groups in flight; whatever a group defers is settled one by one by the caller.
 */
export const groupSettler = committerFor({ name: 'group settlement', maxGroup: 32, parallel: 2 }, settleGroup);
