import { singleFlight, type TokenSource } from '../../api/request';
import { getLoginCode } from '../../platform/login';
import { clerkSession } from '../api/clerk-auth';
import { staffSession } from '../stores/staff-session';

/** Silent clerk login (bound clerks only): platform login code → `POST /api/clerk/session` → staff session. */
export async function loginClerk(): Promise<string> {
  const code = await getLoginCode();
  const res = await clerkSession({ code });
  staffSession.set({ token: res.token, expiresAt: res.expiresAt, staff: res.staff });
  return res.token;
}

const renewOnce = singleFlight<string | null>(async () => {
  try {
    return await loginClerk();
  } catch {
    // Not bound any more, left the company, or offline: the guard sends the clerk to the login page.
    staffSession.clear();
    return null;
  }
});

/**
 * The staff token for `/api/clerk` calls. Never the consumer's: a clerk page without a staff session
 * sends no token at all (and the guard never lets it get that far).
 */
export const staffAuth: TokenSource = {
  current: () => staffSession.getValid()?.token ?? null,
  async renew(rejected) {
    const latest = staffSession.getValid();
    if (latest && latest.token !== rejected) return latest.token;
    return renewOnce();
  },
};
