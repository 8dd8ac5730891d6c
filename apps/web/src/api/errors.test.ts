import { RoomcastError } from '@roomcast/shared';
import { describe, expect, it } from 'vitest';
import { ApiError, asErrorBody, asErrorCode, issuesByField, toApiError } from './errors';

describe('asErrorBody', () => {
  it('reads a bare body and one wrapped in {error}', () => {
    expect(asErrorBody({ code: 'not_found', message: 'no room' })).toEqual({ code: 'not_found', message: 'no room' });
    expect(asErrorBody({ error: { code: 'forbidden', message: 'no' } })?.code).toBe('forbidden');
  });

  it('rejects unknown codes and non-objects', () => {
    expect(asErrorBody({ code: 'teapot', message: 'x' })).toBeNull();
    expect(asErrorBody('unauthenticated')).toBeNull();
    expect(asErrorBody(null)).toBeNull();
  });
});

describe('asErrorCode', () => {
  it('accepts only wire codes', () => {
    expect(asErrorCode('protocol_mismatch')).toBe('protocol_mismatch');
    expect(asErrorCode('xhr poll error')).toBeNull();
  });
});

describe('toApiError', () => {
  it('keeps ApiErrors and converts the rest', () => {
    const api = new ApiError('room_full', 'full');
    expect(toApiError(api)).toBe(api);
    const fromShared = toApiError(new RoomcastError('weak_password', 'too short'));
    expect(fromShared).toMatchObject({ code: 'weak_password', message: 'too short' });
    expect(toApiError(new Error('boom'))).toMatchObject({ code: 'internal', message: 'boom' });
  });
});

describe('issuesByField', () => {
  it('puts the first issue per known field beside it and keeps the rest', () => {
    const { fields, rest } = issuesByField(
      [
        { path: 'email', message: 'not a valid email address' },
        { path: 'email', message: 'second' },
        { path: 'profile.age', message: 'odd' },
        { path: 'password', message: 'password is required' },
      ],
      ['email', 'password'] as const,
    );
    expect(fields).toEqual({ email: 'not a valid email address', password: 'password is required' });
    expect(rest).toEqual([{ path: 'profile.age', message: 'odd' }]);
  });
});
