import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { AgentCredentials, AgentName, HttpError, PairingCode, AgentToken } from '@roomcast/shared';
import { AgentError, defaultConfigPath, flag, indexPath, loadConfig, Rate, saveConfig, ServerUrl, type AgentConfig } from './config.js';
import { z } from 'zod';
import { IndexDb } from './index-db.js';
import { serveStatusPage, type StatusPage } from './status-page.js';
import { StatusBoard } from './status.js';
import { describeScan, scanWithBar } from './scan-progress.js';

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** `start` runs until this aborts (SIGINT/SIGTERM in the real program). */
  signal?: AbortSignal;
}

const say = (io: CliIo, line: string) => io.out.write(line + '\n');

/** The status page's port unless configured; taken, the page moves to any free port. */
export const DEFAULT_STATUS_PORT = 47_123;
const Port = z.coerce.number().int().min(0).max(65535);

async function openStatusPage(board: StatusBoard, port: number, log: (line: string) => void): Promise<StatusPage> {
  const page = await serveStatusPage(board, port).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || port === 0) throw new AgentError(`cannot serve the status page on 127.0.0.1:${port}: ${error.message}`);
    return serveStatusPage(board, 0);
  });
  log(`status page: ${page.url}`);
  return page;
}

async function pairWithServer(server: string, body: { code: string; name: string }): Promise<AgentCredentials> {
  let res: Response;
  try {
    res = await fetch(`${server}/api/library/agents/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    throw new AgentError(`cannot reach ${server}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const failure = HttpError.safeParse(json);
    throw new AgentError(failure.success ? `pairing refused: ${failure.data.error.message}` : `pairing failed: the server answered ${res.status}`);
  }
  const creds = AgentCredentials.safeParse(json);
  if (!creds.success) throw new AgentError(`${server} did not answer like a Roomcast server`);
  return creds.data;
}

async function checkFolder(folder: string): Promise<string> {
  const full = path.resolve(folder);
  const info = await stat(full).catch(() => null);
  if (!info) throw new AgentError(`no such folder: ${full}`);
  if (!info.isDirectory()) throw new AgentError(`not a folder: ${full}`);
  return full;
}

/** The program; `run` returns the exit code instead of exiting, so tests drive it in-process. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let configPath = defaultConfigPath(io.env);
  const load = () => loadConfig(configPath);
  const save = (c: AgentConfig) => saveConfig(configPath, c);

  const program = new Command('roomcast-agent')
    .description('Shares your music folders with your browsers, wherever you are: direct peer-to-peer, through TURN, or relayed by your Roomcast server.')
    .option('-c, --config <file>', 'configuration file (default: $ROOMCAST_AGENT_CONFIG or ~/.config/roomcast-agent/config.json)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .hook('preAction', (cmd) => {
      const file = cmd.opts<{ config?: string }>().config;
      if (file) configPath = path.resolve(file);
    });

  program
    .command('pair')
    .description('pair this computer with your account: a code from My library in the web app, or a token made there')
    .argument('<server>', 'your Roomcast address, e.g. https://roomcast.example.org')
    .option('--code <code>', 'the one-time pairing code shown in the web app')
    .option('--token <token>', 'an agent token made in the web app (instead of a code)')
    .option('--name <name>', 'how this computer is listed', hostname())
    .action(async (serverArg: string, opts: { code?: string; token?: string; name: string }) => {
      const server = flag(ServerUrl, serverArg, 'server');
      const name = flag(AgentName, opts.name, '--name');
      if (!opts.code === !opts.token) throw new AgentError('give either --code (from My library) or --token', 2);
      const config = await load();
      if (opts.token) {
        await save({ ...config, server, name, token: flag(AgentToken, opts.token, '--token') });
        say(io, `saved the token for ${server}; run roomcast-agent start`);
        return;
      }
      const creds = await pairWithServer(server, { code: flag(PairingCode, opts.code, '--code'), name });
      await save({ ...config, server, name: creds.name, agentId: creds.agentId, token: creds.token });
      say(io, `paired as "${creds.name}" with ${server}`);
    });

  program
    .command('share')
    .description('share folders (they are scanned at the next start, or now with scan)')
    .argument('<folders...>')
    .action(async (folders: string[]) => {
      const config = await load();
      const added = await Promise.all(folders.map(checkFolder));
      const all = [...new Set([...config.folders, ...added])];
      await save({ ...config, folders: all });
      say(io, `sharing ${all.length} folder${all.length === 1 ? '' : 's'}:\n${all.map((f) => `  ${f}`).join('\n')}`);
    });

  program
    .command('unshare')
    .description('stop sharing folders (all of them with --all)')
    .argument('[folders...]')
    .option('--all', 'stop sharing every folder')
    .action(async (folders: string[], opts: { all?: boolean }) => {
      const config = await load();
      if (!opts.all && folders.length === 0) throw new AgentError('name the folders to stop sharing, or --all', 2);
      const drop = new Set(folders.map((f) => path.resolve(f)));
      const unknown = [...drop].filter((f) => !config.folders.includes(f));
      if (unknown.length) throw new AgentError(`not shared: ${unknown.join(', ')}`);
      const left = opts.all ? [] : config.folders.filter((f) => !drop.has(f));
      await save({ ...config, folders: left });
      say(io, `sharing ${left.length} folder${left.length === 1 ? '' : 's'}`);
    });

  program
    .command('scan')
    .description('bring the index up to date now (start does this too)')
    .action(async () => {
      const config = await load();
      if (config.folders.length === 0) throw new AgentError('no folders shared yet: roomcast-agent share <folder>');
      await Promise.all(config.folders.map(checkFolder));
      const index = IndexDb.open(indexPath(configPath));
      try {
        say(io, describeScan(await scanWithBar(index, config.folders, io.err)));
      } finally {
        index.close();
      }
    });

  program
    .command('status')
    .description('what is shared, with whom this computer is paired, how many tracks are indexed')
    .action(async () => {
      const config = await load();
      say(io, `config: ${configPath}`);
      say(io, config.token ? `paired: yes, as "${config.name ?? '?'}" with ${config.server}` : 'paired: no (roomcast-agent pair <server> --code …)');
      say(io, `folders: ${config.folders.length ? '\n' + config.folders.map((f) => `  ${f}`).join('\n') : 'none (roomcast-agent share <folder>)'}`);
      const index = IndexDb.open(indexPath(configPath));
      try {
        say(io, `indexed tracks: ${index.count()}`);
      } finally {
        index.close();
      }
      if (config.maxUploadBytes) say(io, `upload cap: ${config.maxUploadBytes} bytes/s`);
    });

  program
    .command('unpair')
    .description('forget the token (unpair in the web app too, to remove the computer from the list)')
    .action(async () => {
      const { token: _token, agentId: _agentId, ...rest } = await load();
      await save(rest);
      say(io, 'unpaired: the token is forgotten');
    });

  program
    .command('start')
    .description('scan, then stay connected and serve your browsers until stopped; watches the folders and shows a status page on 127.0.0.1')
    .addOption(new Option('--max-upload <rate>', 'upload cap shared by all listeners, e.g. 2m (MB/s), 500k, 8mbit'))
    .option('--no-scan', 'serve the index as it is, without a rescan first')
    .option('--status-port <port>', `port of the status page on 127.0.0.1 (0: any free one; default ${DEFAULT_STATUS_PORT})`)
    .option('--no-status-page', 'do not serve the status page')
    .action(async (opts: { maxUpload?: string; scan: boolean; statusPort?: string; statusPage: boolean }) => {
      const config = await load();
      if (!config.server || !config.token) throw new AgentError('not paired yet: roomcast-agent pair <server> --code <code from My library>');
      if (config.folders.length === 0) throw new AgentError('no folders shared yet: roomcast-agent share <folder>');
      await Promise.all(config.folders.map(checkFolder));
      const maxUploadBytes = opts.maxUpload !== undefined ? flag(Rate, opts.maxUpload, '--max-upload') : config.maxUploadBytes;
      const statusPort = opts.statusPort !== undefined ? flag(Port, opts.statusPort, '--status-port') : (config.statusPort ?? DEFAULT_STATUS_PORT);
      const index = IndexDb.open(indexPath(configPath));
      const log = (line: string) => say(io, line);
      const board = new StatusBoard({ server: config.server, agentName: config.name ?? null, folders: config.folders, uploadCapBytes: maxUploadBytes, tracks: () => index.count() });
      const page = opts.statusPage ? await openStatusPage(board, statusPort, log) : null;
      try {
        // Connected while the rescan runs: the index of the last run serves at once (a restart is
        // back for its listeners in the time it takes to connect, not to scan), and what the scan
        // changes reaches them as a change notice.
        const agentModule = import('./agent.js');
        const watcherModule = import('./watcher.js');
        const scanned = opts.scan
          ? scanWithBar(index, config.folders, io.err, (p) => board.scanProgress(p)).then((result) => {
              say(io, describeScan(result));
              board.scanDone(result, describeScan(result));
              return result;
            })
          : Promise.resolve(null);
        const { runAgent } = await agentModule;
        const { LibraryWatcher } = await watcherModule;
        await runAgent({ server: config.server, token: config.token, index, maxUploadBytes, log, signal: io.signal }, async (agent) => {
          const result = await scanned;
          if (result && result.added + result.updated + result.removed > 0) {
            agent.notify({ event: 'changed', added: result.added, updated: result.updated, removed: result.removed, tracks: result.tracks });
          }
          // Added, changed and removed files reach the index, and the listeners hear of it, without a rescan.
          const watcher = await LibraryWatcher.start(index, {
            log,
            onChange: (change) => {
              log(`index: ${change.added} added, ${change.updated} changed, ${change.removed} removed (${change.tracks} tracks)`);
              board.changed(change);
              agent.notify({ event: 'changed', ...change });
            },
          });
          board.watching(agent);
          return () => watcher.close();
        });
      } finally {
        await page?.close();
        index.close();
      }
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof AgentError) {
      io.err.write(`roomcast-agent: ${error.message}\n`);
      return error.exitCode;
    }
    io.err.write(`roomcast-agent: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    return 1;
  }
}
