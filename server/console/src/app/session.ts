import { useSyncExternalStore } from 'react';
import type { StaffSessionResponse, StaffView } from '@o2o/shared';

/**
 * The signed-in staff member, kept in localStorage so a reload stays signed in. The server is the only guard:
 * this only decides what to show. A token past `expiresAt` is treated as absent.
 */
export interface ConsoleSession {
  token: string;
  expiresAt: string;
  staff: StaffView;
}

const KEY = 'o2o.console.session';
type Listener = () => void;
const listeners = new Set<Listener>();
let current: ConsoleSession | null = read();
/** The staff member last signed in, kept while a lapsed session waits for re-login; cleared by signing out. */
let lastStaff: StaffView | null = current?.staff ?? null;

function read(): ConsoleSession | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as ConsoleSession;
    return s && s.token && s.staff ? s : null;
  } catch {
    return null;
  }
}

export function getSession(): ConsoleSession | null {
  if (current && Date.parse(current.expiresAt) <= Date.now()) return null;
  return current;
}

export function setSession(s: StaffSessionResponse | null): void {
  current = s ? { token: s.token, expiresAt: s.expiresAt, staff: s.staff } : null;
  if (current) lastStaff = current.staff;
  if (current) localStorage.setItem(KEY, JSON.stringify(current));
  else localStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function subscribeSession(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useSession(): ConsoleSession | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}

/** Signing out (not a lapsed session): forget who was here too. */
export function signOut(): void {
  lastStaff = null;
  setSession(null);
}

const getStaff = () => getSession()?.staff ?? lastStaff;
/**
 * Who is using the console, for pages deciding what to show (admin-only buttons, manager scoping): stays the same
 * while an expired session waits for re-login, so the page under the login dialog does not change.
 */
export function useStaff(): StaffView | null {
  return useSyncExternalStore(subscribeSession, getStaff, getStaff);
}
