import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SfuConfig } from '@roomcast/sfu';
import { configFromEnv, SignalingConfig, sfuEnvName } from './config.js';
import { ConfigError, configErrorFrom, envName, formatConfigError } from './config-error.js';

const failure = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    configFromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration errors', () => {
  it('name every bad variable at once, signaling and SFU alike, with what is wrong', () => {
    const error = failure({ PORT: 'abc', LOG_LEVEL: 'loud', SFU_WORKERS: '0', TRUST_PROXY: 'maybe', ALLOWED_ORIGINS: 'https://ok.example, https://x.example/path', TURN_SECRET_FILE: '/nonexistent/secret' });
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['ALLOWED_ORIGINS', 'LOG_LEVEL', 'PORT', 'SFU_WORKERS', 'TRUST_PROXY', 'TURN_SECRET_FILE']);
    expect(error.issues.find((i) => i.variable === 'PORT')).toEqual({ variable: 'PORT', problem: 'expected a number', given: 'abc' });
    expect(error.issues.find((i) => i.variable === 'TRUST_PROXY')?.problem).toMatch(/invalid IP address: maybe/);
    expect(error.issues.find((i) => i.variable === 'ALLOWED_ORIGINS')?.problem).toMatch(/"https:\/\/x.example\/path" is not an origin/);
    expect(error.issues.find((i) => i.variable === 'TURN_SECRET_FILE')?.problem).toBe('cannot read /nonexistent/secret (ENOENT)');
  });

  it('print as lines an operator can act on: no stack, no secret values', () => {
    const text = formatConfigError(failure({ SESSION_TTL_HOURS: '-1', DATABASE_URL: 'postgres://u:hunter2@db/x', SFU_INITIAL_BITRATE: '5' }));
    expect(text.split('\n')[0]).toBe('Roomcast cannot start: some environment variables are invalid.');
    expect(text).toMatch(/^ {2}SESSION_TTL_HOURS: .*>0.* \(given: "-1"\)$/m);
    expect(text).toMatch(/^ {2}SFU_INITIAL_BITRATE: .* \(given: "5"\)$/m);
    expect(text).not.toMatch(/\n\s+at /);
    const secret = formatConfigError(new ConfigError([{ variable: 'TURN_SECRET', problem: 'too short', given: undefined }]));
    expect(secret).toBe('Roomcast cannot start: an environment variable is invalid.\n  TURN_SECRET: too short\nFix them and start again (see the configuration table in README.md).');
    expect(formatConfigError(new Error('boom'))).toBe('Roomcast cannot start: boom');
  });

  it('never echo a secret or a database URL back', () => {
    const schema = z.object({ turnSecret: z.string().min(16), databaseUrl: z.string().startsWith('postgres://'), port: z.coerce.number() });
    const env = { TURN_SECRET: 's3cret', DATABASE_URL: 'mysql://u:hunter2@db/x', PORT: 'x' };
    const error = configErrorFrom(schema.safeParse({ turnSecret: env.TURN_SECRET, databaseUrl: env.DATABASE_URL, port: env.PORT }).error!, env);
    expect(error.issues.map((i) => [i.variable, i.given])).toEqual([
      ['TURN_SECRET', undefined],
      ['DATABASE_URL', undefined],
      ['PORT', 'x'],
    ]);
    expect(formatConfigError(error)).not.toMatch(/s3cret|hunter2/);
  });

  it('names each option by the variable configFromEnv really reads', () => {
    const read = new Set<string>();
    const env = new Proxy({} as NodeJS.ProcessEnv, { get: (_t, key) => (typeof key === 'string' && read.add(key), undefined) });
    configFromEnv(env);
    for (const key of Object.keys(SignalingConfig.shape)) expect(read, `${key} → ${envName(key)}`).toContain(envName(key));
    for (const key of Object.keys(SfuConfig.shape)) expect(read, `${key} → ${sfuEnvName(key)}`).toContain(sfuEnvName(key));
  });

  it('main.ts prints them and exits 1 instead of a stack', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--conditions=roomcast-source', '--import', 'tsx', main], { env: { ...process.env, PORT: 'abc', SFU_WORKERS: '0' }, timeout: 30_000 }, (_err, _out, stderr) =>
        resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(code).toBe(1);
    expect(stderr).toContain('Roomcast cannot start: some environment variables are invalid.');
    expect(stderr).toContain('  PORT: expected a number (given: "abc")');
    expect(stderr).toMatch(/ {2}SFU_WORKERS: .*>=1.*\(given: "0"\)/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('proxy and origin options', () => {
  it('reads TRUST_PROXY as Express does', () => {
    expect(configFromEnv({}).trustProxy).toEqual(['loopback']);
    expect(configFromEnv({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(configFromEnv({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(configFromEnv({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(configFromEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
  });

  it('normalises ALLOWED_ORIGINS and leaves it unset by default (same origin only)', () => {
    expect(configFromEnv({}).allowedOrigins).toBeUndefined();
    expect(configFromEnv({ ALLOWED_ORIGINS: 'HTTPS://App.Example.org:443 , http://localhost:5173' }).allowedOrigins).toEqual(['https://app.example.org', 'http://localhost:5173']);
  });
});
