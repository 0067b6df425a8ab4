import type { Clock } from '../../lib/clock';
import type { WechatAccessToken } from './wechat.types';

export interface FetchedToken {
  token: string;
  expiresInSec: number;
}

export interface AccessTokenCacheOptions {
  /** Calls /cgi-bin/stable_token (normal mode). */
  fetchToken: () => Promise<FetchedToken>;
  clock: Clock;
  /** Refresh once fewer than this many ms of validity remain. */
  refreshMarginMs: number;
}

interface Cached {
  token: string;
  /** Hard end of validity; between refreshAt and expiresAt the token still works if a refresh fails. */
  expiresAt: number;
  refreshAt: number;
}

/**
 * In-process access_token cache. One process shares one token; concurrent callers share one in-flight
 * refresh, so a burst never multiplies stable_token calls (they count against a daily quota).
 */
export function createAccessTokenCache(opts: AccessTokenCacheOptions): WechatAccessToken {
  let cached: Cached | undefined;
  let inflight: Promise<Cached> | undefined;

  const load = async (): Promise<Cached> => {
    const fetchedAt = opts.clock.now().getTime();
    const { token, expiresInSec } = await opts.fetchToken();
    const lifetimeMs = expiresInSec * 1000;
    // A token shorter-lived than the margin would be refreshed on every call; refresh at half-life instead.
    const margin = Math.min(opts.refreshMarginMs, lifetimeMs / 2);
    // Timed from before the request, so network latency only makes us refresh early, never late.
    cached = { token, expiresAt: fetchedAt + lifetimeMs, refreshAt: fetchedAt + lifetimeMs - margin };
    return cached;
  };

  const refresh = (): Promise<Cached> => {
    if (inflight) return inflight;
    const p = load();
    inflight = p;
    // Clear only our own promise; failures reach every waiter through `p`, not through this chain.
    p.finally(() => {
      if (inflight === p) inflight = undefined;
    }).catch(() => undefined);
    return p;
  };

  return {
    async getAccessToken() {
      const held = cached;
      // "Fewer than margin remaining" refreshes, so exactly at refreshAt the token is still served.
      if (held && opts.clock.now().getTime() <= held.refreshAt) return held.token;
      try {
        return (await refresh()).token;
      } catch (err) {
        // An early refresh that fails (WeChat busy) is not fatal while the held token is still valid.
        if (held && cached === held && opts.clock.now().getTime() < held.expiresAt) return held.token;
        throw err;
      }
    },
    invalidate(token: string) {
      // Only drop what we still hold: a late 40001 for an old token must not discard a newer one.
      if (cached?.token === token) cached = undefined;
    },
  };
}
