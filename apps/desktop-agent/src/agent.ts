import { AgentError } from './config.js';
import type { IndexDb } from './index-db.js';

export interface AgentOptions {
  server: string;
  token: string;
  index: IndexDb;
  maxUploadBytes: number | undefined;
  log: (line: string) => void;
  signal: AbortSignal | undefined;
}

export async function runAgent(_options: AgentOptions): Promise<void> {
  throw new AgentError('serving is not built yet in this version: scan, share and status work');
}
