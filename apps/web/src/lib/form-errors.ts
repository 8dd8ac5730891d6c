import { validationError } from '@roomcast/shared';
import { ApiError, issuesByField, type ClientErrorCode } from '../api/errors';

/** What a form shows for a failure: a message per field, and one summary for the alert. */
export interface FormErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  form: string;
}

/**
 * Spreads an ApiError over a form. Validation issues go beside their fields; codes that are
 * about one field (email taken, weak password) go beside it too. The summary is always set,
 * so the alert names the problem even for a field scrolled out of view.
 */
export function formErrors<F extends string>(
  error: ApiError,
  fields: readonly F[],
  fieldForCode: Partial<Record<ClientErrorCode, F>> = {},
): FormErrors<F> {
  if (error.issues.length > 0) {
    const split = issuesByField(error.issues, fields);
    const rest = split.rest.map((i) => (i.path && i.path !== '(root)' ? `${i.path}: ${i.message}` : i.message));
    const named = Object.keys(split.fields).length > 0;
    return { fields: split.fields, form: rest.length > 0 ? rest.join('; ') : named ? 'Please fix the highlighted fields.' : error.message };
  }
  const field = fieldForCode[error.code];
  if (field) return { fields: { [field]: error.message } as Partial<Record<F, string>>, form: error.message };
  return { fields: {}, form: error.message };
}

/**
 * Checks a form against the shared wire schema before sending, so a person sees the same
 * words the server would answer with, without the round trip.
 */
export function validateLocally<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: Parameters<typeof validationError>[0] } },
  value: unknown,
  what: string,
): { ok: true; data: T } | { ok: false; error: ApiError } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const failure = validationError(result.error, what);
  return { ok: false, error: new ApiError(failure.code, failure.message, failure.issues ?? []) };
}
