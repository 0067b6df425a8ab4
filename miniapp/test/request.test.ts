import { ApiError } from '../src/api/api-error';
import { getLedger } from '../src/api/points';
import { request, setReloginHandler, type TokenSource } from '../src/api/request';
import { sessionStore } from '../src/stores/session';
import { request as taroRequest } from './__mocks__/taro';
import { errorBody, fakeApi, inOneHour, resetAll } from './helpers';

beforeEach(() => {
  resetAll();
  setReloginHandler(null);
});

describe('request wrapper', () => {
  it('sends JSON to the API base with the bearer token from the session store', async () => {
    sessionStore.set({ token: 'tok-1', expiresAt: inOneHour() });
    const calls = fakeApi({ 'POST /api/app/member': () => ({ statusCode: 200, data: { ok: 1 } }) });

    await expect(request('/api/app/member', { method: 'POST', data: { phoneCode: 'p' } })).resolves.toEqual({ ok: 1 });

    expect(calls).toHaveLength(1);
    expect(calls[0].header.Authorization).toBe('Bearer tok-1');
    expect(calls[0].header['Content-Type']).toBe('application/json');
    expect(calls[0].data).toEqual({ phoneCode: 'p' });
    expect(taroRequest.mock.calls[0][0]).toMatchObject({ dataType: 'json', method: 'POST' });
  });

  it('reads a persisted session after a restart (Taro storage)', async () => {
    sessionStore.set({ token: 'persisted', expiresAt: inOneHour() });
    sessionStore.resetForTests(); // forget the in-memory copy, keep storage
    const calls = fakeApi({ 'GET /api/app/me': () => ({ statusCode: 200, data: {} }) });

    await request('/api/app/me');

    expect(calls[0].header.Authorization).toBe('Bearer persisted');
  });

  it('sends no token when auth is false and none when there is no session', async () => {
    sessionStore.set({ token: 'tok-1', expiresAt: inOneHour() });
    const calls = fakeApi({ 'POST /api/app/session': () => ({ statusCode: 200, data: {} }) });
    await request('/api/app/session', { method: 'POST', data: {}, auth: false });
    sessionStore.clear();
    await request('/api/app/session', { method: 'POST', data: {} });

    expect(calls.map((c) => c.header.Authorization)).toEqual([undefined, undefined]);
  });

  it('encodes the query and sends no body on GET', async () => {
    const calls = fakeApi({ 'GET /api/app/points/ledger': () => ({ statusCode: 200, data: { items: [], nextCursor: null } }) });

    await getLedger('a b&c');
    await getLedger();

    expect(calls[0].query).toBe('cursor=a%20b%26c');
    expect(calls[0].data).toBeUndefined();
    expect(calls[1].query).toBe('');
  });

  it('turns a non-2xx answer into an ApiError with status, code, message and requestId', async () => {
    fakeApi({ 'POST /api/app/member': () => ({ statusCode: 409, data: errorBody('PHONE_ALREADY_BOUND', 'req-42') }) });

    const err = await request('/api/app/member', { method: 'POST', data: {} }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: 'PHONE_ALREADY_BOUND', requestId: 'req-42' });
    expect((err as ApiError).message).toBe('PHONE_ALREADY_BOUND happened');
  });

  it('maps a 5xx without an error body to BAD_RESPONSE, keeping the x-request-id header', async () => {
    fakeApi({ 'GET /api/app/me': () => ({ statusCode: 502, data: '<html>bad gateway</html>', header: { 'X-Request-Id': 'gw-1' } }) });

    await expect(request('/api/app/me')).rejects.toMatchObject({ status: 502, code: 'BAD_RESPONSE', requestId: 'gw-1' });
  });

  it('maps a failed transport (Taro.request rejects) to NETWORK_ERROR with status 0', async () => {
    taroRequest.mockRejectedValue({ errMsg: 'request:fail timeout' });

    await expect(request('/api/app/me')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });
});

describe('401 handling', () => {
  it('clears the session, logs in again once and retries once with the new token', async () => {
    sessionStore.set({ token: 'stale', expiresAt: inOneHour() });
    const relogin = jest.fn(async () => {
      expect(sessionStore.get()).toBeNull(); // cleared before logging in again
      sessionStore.set({ token: 'fresh', expiresAt: inOneHour() });
      return 'fresh';
    });
    setReloginHandler(relogin);
    const calls = fakeApi({
      'GET /api/app/me': (c) =>
        c.header.Authorization === 'Bearer fresh'
          ? { statusCode: 200, data: { customer: { id: 1 } } }
          : { statusCode: 401, data: errorBody('TOKEN_EXPIRED') },
    });

    await expect(request('/api/app/me')).resolves.toEqual({ customer: { id: 1 } });

    expect(relogin).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => c.header.Authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
  });

  it('gives up after one re-login and one retry when the retry is 401 too', async () => {
    sessionStore.set({ token: 'stale', expiresAt: inOneHour() });
    // Like the real handler, it stores the new session: a naive "retry through request()" would loop.
    const relogin = jest.fn(async () => {
      sessionStore.set({ token: 'also-rejected', expiresAt: inOneHour() });
      return 'also-rejected';
    });
    setReloginHandler(relogin);
    const calls = fakeApi({ 'GET /api/app/me': () => ({ statusCode: 401, data: errorBody('UNAUTHENTICATED') }) });

    await expect(request('/api/app/me')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    expect(relogin).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(2);
  });

  it('shares one re-login between concurrent 401s', async () => {
    sessionStore.set({ token: 'stale', expiresAt: inOneHour() });
    const relogin = jest.fn(async () => {
      await new Promise((r) => setTimeout(r, 5));
      sessionStore.set({ token: 'fresh', expiresAt: inOneHour() });
      return 'fresh';
    });
    setReloginHandler(relogin);
    fakeApi({
      'GET /api/app/me': (c) =>
        c.header.Authorization === 'Bearer fresh' ? { statusCode: 200, data: 'ok' } : { statusCode: 401, data: errorBody('TOKEN_EXPIRED') },
    });

    await expect(Promise.all([request('/api/app/me'), request('/api/app/me'), request('/api/app/me')])).resolves.toEqual(['ok', 'ok', 'ok']);
    expect(relogin).toHaveBeenCalledTimes(1);
  });

  it('does not log in again for a request sent without a token', async () => {
    const relogin = jest.fn(async () => 'fresh');
    setReloginHandler(relogin);
    const calls = fakeApi({ 'GET /api/app/me': () => ({ statusCode: 401, data: errorBody('UNAUTHENTICATED') }) });

    await expect(request('/api/app/me')).rejects.toMatchObject({ status: 401 });
    await expect(request('/api/app/me', { auth: false })).rejects.toMatchObject({ status: 401 });

    expect(relogin).not.toHaveBeenCalled();
    expect(calls).toHaveLength(2);
  });

  it('uses another token source instead of the consumer session, and its renewal instead of the consumer login', async () => {
    sessionStore.set({ token: 'consumer-tok', expiresAt: inOneHour() });
    const consumerRelogin = jest.fn(async () => 'fresh-consumer');
    setReloginHandler(consumerRelogin);
    const staff: TokenSource = { current: () => 'staff-tok', renew: jest.fn(async () => null) };
    const calls = fakeApi({ 'GET /api/clerk/me': () => ({ statusCode: 401, data: errorBody('TOKEN_EXPIRED') }) });

    await expect(request('/api/clerk/me', { auth: staff })).rejects.toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });

    expect(calls.map((c) => c.header.Authorization)).toEqual(['Bearer staff-tok']);
    expect(staff.renew).toHaveBeenCalledWith('staff-tok');
    expect(consumerRelogin).not.toHaveBeenCalled();
    expect(sessionStore.get()?.token).toBe('consumer-tok');
  });

  it('does not retry when the re-login itself fails', async () => {
    sessionStore.set({ token: 'stale', expiresAt: inOneHour() });
    setReloginHandler(jest.fn(async () => Promise.reject(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'offline' }))));
    const calls = fakeApi({ 'GET /api/app/me': () => ({ statusCode: 401, data: errorBody('TOKEN_EXPIRED') }) });

    await expect(request('/api/app/me')).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(calls).toHaveLength(1);
    expect(sessionStore.get()).toBeNull();
  });
});
