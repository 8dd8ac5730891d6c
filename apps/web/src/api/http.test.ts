import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './errors';
import { apiRequest, authApi, errorFromResponse, roomsApi } from './http';

function stubFetch(status: number, body: string, contentType = 'application/json') {
  const fetch = vi.fn(async () => new Response(status === 204 ? null : body, { status, headers: { 'content-type': contentType } }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('errorFromResponse', () => {
  it('uses the server error body when it is one', () => {
    const err = errorFromResponse(400, {
      error: { code: 'bad_request', message: 'invalid sign-up', issues: [{ path: 'email', message: 'bad' }] },
    });
    expect(err).toMatchObject({ code: 'bad_request', message: 'invalid sign-up', status: 400 });
    expect(err.issues).toEqual([{ path: 'email', message: 'bad' }]);
  });

  it('falls back on the status when the body is not ours', () => {
    expect(errorFromResponse(502, undefined).code).toBe('unavailable');
    expect(errorFromResponse(404, '<html>').code).toBe('not_found');
    expect(errorFromResponse(418, undefined).code).toBe('internal');
    expect(errorFromResponse(415, '').code).toBe('unsupported_media_type');
  });
});

describe('apiRequest', () => {
  it('sends JSON with the session cookie and returns the body', async () => {
    const user = { id: 'u1', email: 'a@b.c', displayName: 'Ada', role: 'listener', isGuest: false, emailConfirmed: false };
    const fetch = stubFetch(201, JSON.stringify({ user }));
    await expect(authApi.signUp({ email: 'a@b.c', password: 'long enough pass', displayName: 'Ada' })).resolves.toEqual({ user });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/auth/signup');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(JSON.parse(String(init.body))).toEqual({ email: 'a@b.c', password: 'long enough pass', displayName: 'Ada' });
  });

  it('returns nothing for 204', async () => {
    stubFetch(204, '');
    await expect(authApi.signOut()).resolves.toBeUndefined();
  });

  it('throws a typed ApiError for an error answer', async () => {
    stubFetch(409, JSON.stringify({ error: { code: 'email_taken', message: 'that email is taken' } }));
    const err = await apiRequest('POST', '/api/auth/signup', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'email_taken', message: 'that email is taken', status: 409 });
  });

  it('turns an unreachable server into network_error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(roomsApi.list('voice')).rejects.toMatchObject({ code: 'network_error' });
  });

  it('encodes path and query parts', async () => {
    const fetch = stubFetch(200, JSON.stringify({ rooms: [] }));
    await roomsApi.list('voice');
    await roomsApi.get('abc_DEF-1').catch(() => undefined); // answered with a list: refused, but sent
    expect(fetch.mock.calls.map((c) => (c as unknown as [string])[0])).toEqual(['/api/rooms?kind=voice', '/api/rooms/abc_DEF-1']);
  });

  it('closes a room with DELETE', async () => {
    const fetch = stubFetch(204, '');
    await expect(roomsApi.close('r-1')).resolves.toBeUndefined();
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect([url, init.method]).toEqual(['/api/rooms/r-1', 'DELETE']);
  });
});

describe('answers are checked against their schemas', () => {
  it('refuses an answer that does not fit as bad_response', async () => {
    stubFetch(200, JSON.stringify({ user: { id: 'u1' } }));
    await expect(authApi.me()).rejects.toMatchObject({ code: 'bad_response' });
    stubFetch(200, JSON.stringify({ rooms: [{ id: 'has space' }] }));
    await expect(roomsApi.list('voice')).rejects.toMatchObject({ code: 'bad_response' });
  });
});
