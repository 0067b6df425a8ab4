import type { StaffView } from '@o2o/shared';
import { createSessionStore, type Session } from '../../stores/session';

/** The clerk's session (a `/api/clerk` staff token), kept apart from the consumer's on the same phone. */
export interface StaffSession extends Session {
  staff: StaffView;
}

export const staffSession = createSessionStore<StaffSession>('o2o.staff-session.v1');
