import { z } from 'zod';

/** One bad environment variable: its name, what is wrong, and (unless secret) the value given. */
export interface ConfigIssue {
  variable: string;
  problem: string;
  given?: string | undefined;
}

/** The configuration cannot be used; main.ts prints `formatConfigError(error)`, not a stack. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.variable}: ${i.problem}`).join('; '));
    this.name = 'ConfigError';
  }
}

/** `sessionTtlHours` → `SESSION_TTL_HOURS`: how every option's variable is named (config.test.ts checks it). */
export const envName = (key: string, prefix = ''): string => prefix + key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

// Values of these are never echoed back (a database URL may hold a password).
const SECRET = /SECRET|PASSWORD|TOKEN|DATABASE_URL|_KEY/;
export const isSecretVariable = (variable: string): boolean => SECRET.test(variable);

/** The ConfigError for a zod failure on options read from `env`, each named by `name(key)`. */
export function configErrorFrom(error: z.ZodError, env: NodeJS.ProcessEnv, name: (key: string) => string = (key) => envName(key)): ConfigError {
  return new ConfigError(
    error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const variable = key ? name(key) : '(environment)';
      const raw = env[variable];
      const problem = issue.code === 'invalid_type' && issue.expected === 'number' ? 'expected a number' : issue.message;
      return { variable, problem, given: raw === undefined || SECRET.test(variable) ? undefined : raw };
    }),
  );
}

/** Runs every part of the configuration, so one start reports all bad variables, not the first. */
export function collectIssues<T extends unknown[]>(...parts: { [K in keyof T]: () => T[K] }): T {
  const issues: ConfigIssue[] = [];
  const results = parts.map((part) => {
    try {
      return part();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
      return undefined;
    }
  });
  if (issues.length) throw new ConfigError(issues);
  return results as T;
}

/** Parses `input` (built from `env`) with `schema`, or throws a ConfigError naming each variable. */
export function parseEnv<S extends z.ZodType>(schema: S, input: Record<string, unknown>, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw configErrorFrom(result.error, env);
}

/** What an operator reads when the server refuses to start: every bad variable, one per line, no stack. */
export function formatConfigError(error: unknown): string {
  if (!(error instanceof ConfigError)) {
    return `Roomcast cannot start: ${error instanceof Error ? error.message : String(error)}`;
  }
  const lines = error.issues.map((i) => {
    const given = i.given === undefined ? '' : ` (given: ${JSON.stringify(i.given.length > 80 ? `${i.given.slice(0, 80)}…` : i.given)})`;
    return `  ${i.variable}: ${i.problem}${given}`;
  });
  return [`Roomcast cannot start: ${error.issues.length === 1 ? 'an environment variable is' : 'some environment variables are'} invalid.`, ...lines, 'Fix them and start again (see the configuration table in README.md).'].join('\n');
}
