import { Foundation1795375967407 } from './1795375967407-foundation';

/** Applied in order by `npm run db:migrate` and at dev start. Never edit a shipped migration; add one. */
export const MIGRATIONS = [Foundation1795375967407];
