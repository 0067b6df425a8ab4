import type { EmulatorEnv, EmulatorPlugin } from '../plugin';
import { sweepExpired } from '../state';
import { countAndMaybeFail, randomId, wxError, wxJsonBody } from '../wx';

/** WeChat renews a stable token 5 minutes early and keeps the old one valid meanwhile. */
const OVERLAP_MS = 5 * 60_000;

/** /cgi-bin/stable_token (getStableAccessToken). */
export const accessTokenPlugin: EmulatorPlugin = {
  name: 'access-token',
  register(router, env) {
    router.post('/cgi-bin/stable_token', (ctx) => {
      if (countAndMaybeFail(ctx, env, 'stableToken')) return;
      const body = wxJsonBody(ctx);
      if (!body) return;
      if (body.grant_type !== 'client_credential') return wxError(ctx, 40002, 'invalid grant_type');
      if (body.appid !== env.appid) return wxError(ctx, 40013, 'invalid appid');
      if (body.secret !== env.secret) return wxError(ctx, 40125, 'invalid appsecret');

      const now = env.now();
      const { token, expiresAt } = body.force_refresh === true ? forceNewToken(env, now) : normalModeToken(env, now);
      ctx.body = { access_token: token, expires_in: Math.floor((expiresAt - now) / 1000) };
    });
  },
};

/** Normal mode: the same token while it has more than the overlap left, then a new one (old stays valid). */
function normalModeToken(env: EmulatorEnv, now: number): { token: string; expiresAt: number } {
  const { state } = env;
  sweepExpired(state.accessTokens, now);
  const current = state.currentAccessToken;
  const record = current ? state.accessTokens.get(current) : undefined;
  // Short TTLs (tests) would otherwise rotate on every call; cap the overlap at half the lifetime.
  const overlap = Math.min(OVERLAP_MS, (env.tokenTtlSeconds * 1000) / 2);
  if (current && record && record.expiresAt - now >= overlap) return { token: current, expiresAt: record.expiresAt };
  return issue(env, now);
}

/** force_refresh: a new token and every earlier one stops working at once. */
function forceNewToken(env: EmulatorEnv, now: number): { token: string; expiresAt: number } {
  env.state.accessTokens.clear();
  return issue(env, now);
}

function issue(env: EmulatorEnv, now: number): { token: string; expiresAt: number } {
  const token = randomId(96); // 128 chars; real tokens are long and callers must store ≥ 512
  const expiresAt = now + env.tokenTtlSeconds * 1000;
  env.state.accessTokens.set(token, { expiresAt });
  env.state.currentAccessToken = token;
  return { token, expiresAt };
}
