import { ErrorBody, ErrorCode } from '@roomcast/shared';

/**
 * Failures the client detects itself, with no server answer to carry a wire code.
 * They live apart from the wire's ErrorCode so a server code is never confused with a local one.
 */
export type LocalErrorCode = 'network_error' | 'timeout' | 'bad_response';
export type ClientErrorCode = ErrorCode | LocalErrorCode;
export type Issue = NonNullable<ErrorBody['issues']>[number];

/** Every failure the UI sees, whether from HTTP, a socket ack, or the network itself. */
export class ApiError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly issues: Issue[] = [],
    /** HTTP status where there was one; 0 for socket and local failures. */
    readonly status = 0,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static fromBody(body: ErrorBody, status = 0): ApiError {
    return new ApiError(body.code, body.message, body.issues ?? [], status);
  }
}

/** A code the server could have sent, as opposed to anything else found in a payload. */
export function asErrorCode(value: unknown): ErrorCode | null {
  const parsed = ErrorCode.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Reads an ErrorBody out of an unknown value, tolerating both `{code,…}` and `{error:{code,…}}`. */
export function asErrorBody(value: unknown): ErrorBody | null {
  const direct = ErrorBody.safeParse(value);
  if (direct.success) return direct.data;
  if (value && typeof value === 'object' && 'error' in value) {
    const nested = ErrorBody.safeParse((value as { error: unknown }).error);
    if (nested.success) return nested.data;
  }
  return null;
}

/** Anything thrown, as an ApiError, so callers handle one shape. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const body = asErrorBody(error);
  if (body) return ApiError.fromBody(body);
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError('internal', message || 'something went wrong');
}

/** Splits issues into per-field messages (first one wins) and those naming no known field. */
export function issuesByField<F extends string>(
  issues: readonly Issue[],
  fields: readonly F[],
): { fields: Partial<Record<F, string>>; rest: Issue[] } {
  const out: Partial<Record<F, string>> = {};
  const rest: Issue[] = [];
  for (const issue of issues) {
    const head = issue.path.split('.')[0] as F;
    if (fields.includes(head)) out[head] ??= issue.message;
    else rest.push(issue);
  }
  return { fields: out, rest };
}
