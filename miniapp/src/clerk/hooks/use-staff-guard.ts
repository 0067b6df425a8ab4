import { useEffect, useState } from 'react';
import { PAGES, replacePage } from '../../utils/nav';
import { staffSession, type StaffSession } from '../stores/staff-session';

/**
 * The clerk guard: every clerk page but the login calls it first. Without a valid staff session (a
 * consumer token does not count) it sends the clerk to the login page, which returns to `back` after; the
 * page renders nothing that could call the API meanwhile. A session cleared later (the token was rejected
 * and could not be renewed) redirects the same way.
 */
export function useStaffGuard(back: string): StaffSession | null {
  const [session, setSession] = useState<StaffSession | null>(() => staffSession.getValid());

  useEffect(() => staffSession.subscribe((s) => setSession(s && staffSession.getValid() ? s : null)), []);

  useEffect(() => {
    if (!session) replacePage(PAGES.clerkLogin, { redirect: back });
  }, [session, back]);

  return session;
}

/** Where a login may send the clerk back to: clerk pages only, never an arbitrary URL. */
export function safeClerkRedirect(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return null;
  }
  return /^\/clerk\/pages\/[a-z-]+\/index(\?[A-Za-z0-9=&]*)?$/.test(decoded) && !decoded.startsWith(PAGES.clerkLogin) ? decoded : null;
}
