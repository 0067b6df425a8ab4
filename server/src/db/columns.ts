import { Column, CreateDateColumn, UpdateDateColumn, type ColumnOptions } from 'typeorm';

/**
 * Column helpers shared by every entity so both dialects get identical definitions: business times are UTC
 * `datetime(3)` (tag schedule boundaries are millisecond-exact); bookkeeping created/updated use `datetime(6)`
 * to match MySQL's CURRENT_TIMESTAMP(6) default. Money is integer fen.
 */
export const DateTimeColumn = (opts: ColumnOptions = {}) => Column({ type: 'datetime', precision: 3, ...opts });
export const CreatedAt = () => CreateDateColumn({ type: 'datetime', precision: 6 });
export const UpdatedAt = () => UpdateDateColumn({ type: 'datetime', precision: 6 });
