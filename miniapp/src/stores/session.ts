import Taro from '@tarojs/taro';

/**
 * The tiny session store: the bearer token and who it belongs to, persisted with Taro storage so a
 * relaunch keeps the session. Server data (customer, points) is not kept here; hooks own it.
 */
export type SessionKind = 'consumer' | 'staff';

export interface Session {
  token: string;
  /** ISO-8601 as the server sent it. */
  expiresAt: string;
  kind: SessionKind;
}

const STORAGE_KEY = 'o2o.session.v1';
type Listener = (session: Session | null) => void;

let current: Session | null | undefined; // undefined = not read from storage yet
const listeners = new Set<Listener>();

function isSession(value: unknown): value is Session {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.token === 'string' &&
    v.token.length > 0 &&
    typeof v.expiresAt === 'string' &&
    (v.kind === 'consumer' || v.kind === 'staff')
  );
}

function load(): Session | null {
  try {
    const stored: unknown = Taro.getStorageSync(STORAGE_KEY);
    return isSession(stored) ? stored : null;
  } catch {
    return null;
  }
}

function emit(): void {
  listeners.forEach((fn) => fn(current ?? null));
}

export const sessionStore = {
  get(): Session | null {
    if (current === undefined) current = load();
    return current;
  },

  /** A stored session whose expiry has not passed (30 s margin for clock skew). */
  getValid(now: number = Date.now()): Session | null {
    const s = sessionStore.get();
    if (!s) return null;
    const expires = Date.parse(s.expiresAt);
    return Number.isFinite(expires) && expires - 30_000 > now ? s : null;
  },

  set(session: Session): void {
    current = session;
    try {
      Taro.setStorageSync(STORAGE_KEY, session);
    } catch {
      // Storage full or unavailable: the session still lives in memory for this run.
    }
    emit();
  },

  clear(): void {
    current = null;
    try {
      Taro.removeStorageSync(STORAGE_KEY);
    } catch {
      // ignore: nothing to remove
    }
    emit();
  },

  subscribe(fn: Listener): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },

  /** Tests only: forget the in-memory copy so the next read goes to storage. */
  resetForTests(): void {
    current = undefined;
    listeners.clear();
  },
};
