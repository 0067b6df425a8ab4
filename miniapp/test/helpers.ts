import { request as taroRequest, resetTaroMock } from './__mocks__/taro';
import { sessionStore } from '../src/stores/session';

export const API = 'http://127.0.0.1:3000';

export interface FakeCall {
  method: string;
  path: string;
  query: string;
  data: unknown;
  header: Record<string, string>;
}

export interface FakeResponse {
  statusCode: number;
  data?: unknown;
  header?: Record<string, string>;
}

type Handler = (call: FakeCall) => FakeResponse | Promise<FakeResponse>;

/**
 * Programs the Taro.request mock as a tiny fake API: routes are `'METHOD /path'`. Unknown routes get
 * a 404 body like the server's. Returns the list of calls in order, for assertions.
 */
export function fakeApi(routes: Record<string, Handler>, { maxCalls = 20 }: { maxCalls?: number } = {}): FakeCall[] {
  const calls: FakeCall[] = [];
  taroRequest.mockImplementation(
    async (opts: { url: string; method?: string; data?: unknown; header?: Record<string, string> }) => {
      expect(opts.url.startsWith(API)).toBe(true);
      const [path, query = ''] = opts.url.slice(API.length).split('?');
      const call: FakeCall = { method: opts.method ?? 'GET', path, query, data: opts.data, header: opts.header ?? {} };
      calls.push(call);
      // A retry loop would otherwise spin on microtasks forever and starve jest's own timeout.
      if (calls.length > maxCalls) throw new Error(`fakeApi: more than ${maxCalls} calls, is the client looping?`);
      const handler = routes[`${call.method} ${path}`];
      if (!handler) {
        return { statusCode: 404, data: { code: 'NOT_FOUND', message: 'no route', requestId: 'req-404' }, header: {} };
      }
      const res = await handler(call);
      return { header: {}, ...res };
    },
  );
  return calls;
}

export function errorBody(code: string, requestId = 'req-1') {
  return { code, message: `${code} happened`, requestId };
}

/** Fresh Taro mock, empty storage, no session. The re-login handler stays (see `app.ts`). */
export function resetAll(): void {
  resetTaroMock();
  sessionStore.resetForTests();
}

export const inOneHour = () => new Date(Date.now() + 3600_000).toISOString();
