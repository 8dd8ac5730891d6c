import { SignUpBody } from '@roomcast/shared';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { formErrors, validateLocally } from './form-errors';

const FIELDS = ['email', 'password', 'displayName'] as const;

describe('formErrors', () => {
  it('puts issues beside their fields and summarises', () => {
    const err = new ApiError('bad_request', 'invalid sign-up', [{ path: 'email', message: 'not a valid email address' }]);
    expect(formErrors(err, FIELDS)).toEqual({ fields: { email: 'not a valid email address' }, form: 'Please fix the highlighted fields.' });
  });

  it('shows issues about unknown fields in the summary', () => {
    const err = new ApiError('bad_request', 'invalid', [{ path: '(root)', message: 'expected an object' }]);
    expect(formErrors(err, FIELDS)).toEqual({ fields: {}, form: 'expected an object' });
  });

  it('maps single-field codes to their field and keeps the message in the summary', () => {
    const err = new ApiError('weak_password', 'password is too common');
    expect(formErrors(err, FIELDS, { weak_password: 'password' })).toEqual({
      fields: { password: 'password is too common' },
      form: 'password is too common',
    });
  });

  it('leaves other failures to the summary', () => {
    expect(formErrors(new ApiError('invalid_credentials', 'wrong email or password'), FIELDS)).toEqual({
      fields: {},
      form: 'wrong email or password',
    });
  });
});

describe('validateLocally', () => {
  it('returns the normalised body the server would parse', () => {
    const result = validateLocally(SignUpBody, { email: ' Ada@Example.org ', password: 'pw', displayName: ' Ada ' }, 'sign-up');
    expect(result).toEqual({ ok: true, data: { email: 'ada@example.org', password: 'pw', displayName: 'Ada' } });
  });

  it('names each bad field like the server does', () => {
    const result = validateLocally(SignUpBody, { email: 'nope', password: '', displayName: '' }, 'sign-up');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('bad_request');
    expect(Object.keys(formErrors(result.error, FIELDS).fields).sort()).toEqual(['displayName', 'email', 'password']);
  });
});
