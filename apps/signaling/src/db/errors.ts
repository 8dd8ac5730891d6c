/**
 * A unique constraint was violated (Prisma error P2002), e.g. the email is already registered.
 * `fields` names the offending model fields when the driver reports them (e.g. ['email']).
 */
export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';
  readonly code = 'P2002';
  constructor(
    readonly model: string | undefined,
    readonly fields: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`duplicate ${model ?? 'record'}${fields.length ? ` (${fields.join(', ')})` : ''}`, options);
  }

  /** True when the violated constraint covers `field` (e.g. isOn('email')). */
  isOn(field: string): boolean {
    return this.fields.includes(field);
  }
}

/** A value the database cannot check itself (SQLite has no enums) was invalid. */
export class InvalidValueError extends RangeError {
  override readonly name = 'InvalidValueError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`invalid ${field} ${JSON.stringify(value)}: expected ${expected}`);
  }
}

/** Maps Prisma/driver field or column names to model field names (snake_case → camelCase). */
const toFieldName = (name: string) => name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return [value];
  return [];
}

/**
 * Converts a Prisma unique-constraint error (P2002) into a DuplicateError; anything else is
 * returned unchanged. Works for both generated clients: it looks at the error's shape, not its
 * class, because each generated client carries its own Prisma namespace.
 */
export function toDuplicateError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null || (err as { code?: unknown }).code !== 'P2002') return err;
  const meta = ((err as { meta?: unknown }).meta ?? {}) as Record<string, unknown>;
  const model = typeof meta.modelName === 'string' ? meta.modelName : undefined;
  let fields = stringList(meta.target);
  if (fields.length === 0) {
    // Driver adapters report the constraint as { fields } or { index } under driverAdapterError.
    const cause = (meta.driverAdapterError as { cause?: { constraint?: Record<string, unknown> } } | undefined)?.cause;
    const constraint = cause?.constraint ?? {};
    fields = stringList(constraint.fields);
    if (fields.length === 0 && typeof constraint.index === 'string') {
      // Index names look like users_email_key: keep the column part.
      const match = /^[a-z0-9]+_(.+)_key$/.exec(constraint.index);
      if (match?.[1]) fields = [match[1]];
    }
  }
  // Unique fields can arrive as column names (token_hash) or quoted; normalise to model fields.
  const normalised = fields.map((f) => toFieldName(f.replace(/^"|"$/g, '').replace(/^.*\./, '')));
  return new DuplicateError(model, normalised, { cause: err });
}

/** Runs `fn`, rethrowing unique violations as DuplicateError. */
export async function mapDuplicate<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toDuplicateError(err);
  }
}
