import Taro from '@tarojs/taro';

/**
 * Tiny session stores: a bearer token and its expiry, persisted with Taro storage so a relaunch keeps the
 * session. There are two, never mixed: the consumer's (`sessionStore`, here) and the clerk's (created in
 * the clerk subpackage with the same factory). Server data (customer, points) is not kept here; hooks own it.
 */
export interface Session {
  token: string;
  /** ISO-8601 as the server sent it. */
  expiresAt: string;
}

type Listener<S> = (session: S | null) => void;

export interface SessionStore<S extends Session = Session> {
  get(): S | null;
  /** A stored session whose expiry has not passed (30 s margin for clock skew). */
  getValid(now?: number): S | null;
  set(session: S): void;
  clear(): void;
  subscribe(fn: Listener<S>): () => void;
  /** Tests only: forget the in-memory copy so the next read goes to storage. */
  resetForTests(): void;
}

function isSession(value: unknown): value is Session {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.token === 'string' && v.token.length > 0 && typeof v.expiresAt === 'string';
}

export function createSessionStore<S extends Session = Session>(storageKey: string): SessionStore<S> {
  let current: S | null | undefined; // undefined = not read from storage yet
  const listeners = new Set<Listener<S>>();

  const load = (): S | null => {
    try {
      const stored: unknown = Taro.getStorageSync(storageKey);
      return isSession(stored) ? (stored as S) : null;
    } catch {
      return null;
    }
  };
  const emit = () => listeners.forEach((fn) => fn(current ?? null));

  const store: SessionStore<S> = {
    get() {
      if (current === undefined) current = load();
      return current;
    },
    getValid(now: number = Date.now()) {
      const s = store.get();
      if (!s) return null;
      const expires = Date.parse(s.expiresAt);
      return Number.isFinite(expires) && expires - 30_000 > now ? s : null;
    },
    set(session) {
      current = session;
      try {
        Taro.setStorageSync(storageKey, session);
      } catch {
        // Storage full or unavailable: the session still lives in memory for this run.
      }
      emit();
    },
    clear() {
      current = null;
      try {
        Taro.removeStorageSync(storageKey);
      } catch {
        // ignore: nothing to remove
      }
      emit();
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    resetForTests() {
      current = undefined;
      listeners.clear();
    },
  };
  return store;
}

/** The consumer's session (a `/api/app` token). */
export const sessionStore = createSessionStore('o2o.session.v1');
