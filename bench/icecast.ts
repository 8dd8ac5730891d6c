import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@roomcast/e2e/harness/ports.js';

/** Icecast2 (Debian package) as the peer to compare with: default settings, on loopback. */
export interface Icecast {
  url: string;
  port: number;
  password: string;
  stop(): Promise<void>;
}

const config = (port: number, logdir: string, password: string) => `<icecast>
  <limits><clients>100</clients><sources>2</sources></limits>
  <authentication>
    <source-password>${password}</source-password>
    <admin-user>admin</admin-user><admin-password>${password}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>${port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir><logdir>${logdir}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
  <security><chroot>0</chroot><changeowner><user>nobody</user><group>nogroup</group></changeowner></security>
</icecast>
`;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function startIcecast(): Promise<Icecast> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'roomcast-icecast-'));
  // Icecast drops root for `nobody`, who must be able to write its logs.
  await chmod(dir, 0o777);
  const password = 'bench-source-password';
  const file = path.join(dir, 'icecast.xml');
  await writeFile(file, config(port, dir, password));
  const child: ChildProcess = spawn('icecast2', ['-c', file], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(async () => (await fetch(`${url}/status-json.xsl`)).ok, 10_000, 'icecast to listen');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, password, stop };
}

/** Waits until Icecast lists a source on `mount`. */
export async function waitForMount(icecast: Icecast, mount: string): Promise<void> {
  await until(
    async () => {
      const status = (await (await fetch(`${icecast.url}/status-json.xsl`)).json()) as { icestats?: { source?: unknown } };
      const sources = ([] as { listenurl?: string }[]).concat((status.icestats?.source as never) ?? []);
      return sources.some((s) => s.listenurl?.endsWith(mount));
    },
    10_000,
    `icecast mount ${mount}`,
  );
}
