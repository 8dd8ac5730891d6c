import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AgentName, AgentToken, Id } from '@roomcast/shared';

/** A clear, expected failure: printed as one line, exit code 1 (2 for usage), never a stack. */
export class AgentError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export const ServerUrl = z
  .string()
  .trim()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'the server is an http:// or https:// address, such as https://roomcast.example.org')
  .transform((s) => s.replace(/\/+$/, ''));

/** Upload cap: bytes per second, or with a unit — `500k`/`2m` (bytes), `4mbit`/`800kbit` (bits). */
export const Rate = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?\s*(k|m|kbit|mbit|kb|mb)?$/i, 'a rate such as 2m (2 MB/s), 500k or 8mbit')
  .transform((s) => {
    const [, num, unit = ''] = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(s)!;
    const n = Number(num);
    const factor: Record<string, number> = { '': 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, kbit: 125, mbit: 125_000 };
    return Math.round(n * factor[unit.toLowerCase()]!);
  })
  .pipe(z.number().int().min(16 * 1024, 'an upload cap below 16 KB/s cannot carry music'));

export const AgentConfig = z.object({
  server: ServerUrl.optional(),
  name: AgentName.optional(),
  agentId: Id.optional(),
  token: AgentToken.optional(),
  folders: z.array(z.string().min(1).max(4096)).max(64).default([]),
  /** Bytes per second shared by every listener; unset: no cap. */
  maxUploadBytes: z.number().int().positive().optional(),
  /** Port of the local status page on 127.0.0.1 (0: any free port). */
  statusPort: z.number().int().min(0).max(65535).optional(),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROOMCAST_AGENT_CONFIG) return path.resolve(env.ROOMCAST_AGENT_CONFIG);
  const base = env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(base, 'roomcast-agent', 'config.json');
}

/** The index lives beside the config file. */
export const indexPath = (configPath: string): string => path.join(path.dirname(configPath), 'index.sqlite');

export async function loadConfig(file: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return AgentConfig.parse({});
    throw new AgentError(`cannot read the configuration ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AgentError(`the configuration ${file} is not JSON; fix or delete it`);
  }
  const parsed = AgentConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentError(`the configuration ${file} is invalid: ${issue.path.join('.') || 'file'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Written atomically (temp file, then rename) and readable only by its owner: it holds the token. */
export async function saveConfig(file: string, config: AgentConfig): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(AgentConfig.parse(config), null, 2) + '\n', { mode: 0o600 });
  await rename(temp, file);
}

/** Parses one flag value with its schema, or fails with the flag's name in the message. */
export function flag<S extends z.ZodType>(schema: S, value: unknown, name: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AgentError(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 2);
  return parsed.data;
}
