/**
 * Janus (Debian's `janus` 1.1.2) as the benchmark peer for bench/sfu-cost: started here on
 * loopback only, with its own configuration in a temporary folder (only the Streaming plugin and
 * the HTTP transport, bound to 127.0.0.1), one RTP Opus mountpoint, and listeners on the same
 * WebRTC library as ours (@roamhq/wrtc).
 *
 *   apt-get install --no-install-recommends janus
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import wrtc from '@roamhq/wrtc';
import { freePort } from '@roomcast/e2e/harness/ports.js';

const LIB = '/usr/lib/x86_64-linux-gnu/janus';

// Janus never offers a loopback candidate: src/ice.c skips interfaces flagged IFF_LOOPBACK
// before its enforce list is read. Clearing the flag (with ice_enforce_list = 127.0.0.1) makes it
// offer 127.0.0.1 and nothing else.
const LOOPBACK_SHIM = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>
int getifaddrs(struct ifaddrs **ifap) {
  static int (*real)(struct ifaddrs **);
  if (!real) real = (int (*)(struct ifaddrs **))dlsym(RTLD_NEXT, "getifaddrs");
  int rc = real(ifap);
  if (rc == 0) for (struct ifaddrs *i = *ifap; i; i = i->ifa_next) i->ifa_flags &= ~IFF_LOOPBACK;
  return rc;
}
`;

interface JanusMessage {
  janus: string;
  transaction?: string;
  sender?: number;
  data?: { id: number };
  error?: { code: number; reason: string };
  plugindata?: { data: Record<string, unknown> };
  jsep?: { type: 'offer' | 'answer'; sdp: string };
}

export interface JanusListener {
  pc: InstanceType<typeof wrtc.RTCPeerConnection>;
  close: () => void;
}

export class Janus {
  readonly pid: number;
  readonly rtpPort: number;
  #closed = false;
  #session = 0;
  #tx = 0;
  /** Events by handle, and waiters for them: Janus may send an event before answering the POST that caused it. */
  #events = new Map<number, JanusMessage[]>();
  #waiters = new Map<number, () => void>();

  private constructor(
    private readonly proc: ChildProcess,
    private readonly dir: string,
    private readonly base: string,
    rtpPort: number,
    private readonly log: () => string,
  ) {
    this.pid = proc.pid!;
    this.rtpPort = rtpPort;
  }

  /** Starts Janus with a mountpoint (id 1) that takes RTP Opus (payload type `pt`) on 127.0.0.1:<rtpPort>. */
  static async start({ pt }: { pt: number }): Promise<Janus> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-janus-'));
    for (const sub of ['plugins', 'transports', 'events', 'loggers']) mkdirSync(path.join(dir, sub));
    symlinkSync(`${LIB}/plugins/libjanus_streaming.so`, path.join(dir, 'plugins', 'libjanus_streaming.so'));
    symlinkSync(`${LIB}/transports/libjanus_http.so`, path.join(dir, 'transports', 'libjanus_http.so'));
    writeFileSync(path.join(dir, 'shim.c'), LOOPBACK_SHIM);
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', path.join(dir, 'shim.so'), path.join(dir, 'shim.c'), '-ldl']);
    const [httpPort, rtpPort] = [await freePort(), await freePort()];
    const minPort = 40000 + Math.floor(Math.random() * 10000);
    writeFileSync(
      path.join(dir, 'janus.jcfg'),
      `general: {
  configs_folder = "${dir}"
  plugins_folder = "${dir}/plugins"
  transports_folder = "${dir}/transports"
  events_folder = "${dir}/events"
  loggers_folder = "${dir}/loggers"
  debug_level = 3
  session_timeout = 120
}
certificates: { }
media: { rtp_port_range = "${minPort}-${minPort + 9999}" }
nat: {
  nice_debug = false
  ice_enforce_list = "127.0.0.1"
  ignore_mdns = true
}
plugins: { }
transports: { }
events: { broadcast = false }
loggers: { }
`,
    );
    writeFileSync(
      path.join(dir, 'janus.transport.http.jcfg'),
      `general: { json = "plain" base_path = "/janus" http = true port = ${httpPort} ip = "127.0.0.1" https = false }
admin: { admin_http = false admin_https = false }
`,
    );
    writeFileSync(
      path.join(dir, 'janus.plugin.streaming.jcfg'),
      `general: { }
bench: {
  type = "rtp"
  id = 1
  description = "bench"
  audio = true
  video = false
  audioport = ${rtpPort}
  audioiface = "127.0.0.1"
  audiopt = ${pt}
  audiocodec = "opus"
  audiortpmap = "opus/48000/2"
}
`,
    );
    const proc = spawn('janus', ['-C', path.join(dir, 'janus.jcfg'), '-F', dir, '-o'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LD_PRELOAD: path.join(dir, 'shim.so') } });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    const janus = new Janus(proc, dir, `http://127.0.0.1:${httpPort}/janus`, rtpPort, () => output);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`janus exited (${proc.exitCode}):\n${output.slice(-3000)}`);
      try {
        const info = await fetch(`${janus.base}/info`);
        if (info.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        janus.stop();
        throw new Error(`janus did not answer on ${janus.base} within 20 s:\n${output.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const created = await janus.#post('', { janus: 'create' });
    janus.#session = created.data!.id;
    void janus.#poll();
    return janus;
  }

  async #post(suffix: string, body: Record<string, unknown>): Promise<JanusMessage> {
    const res = await fetch(`${this.base}${suffix}`, { method: 'POST', body: JSON.stringify({ ...body, transaction: `t${++this.#tx}` }) });
    const msg = (await res.json()) as JanusMessage;
    if (msg.janus === 'error') throw new Error(`janus: ${msg.error?.reason ?? JSON.stringify(msg)}`);
    return msg;
  }

  /** One long poll for the whole session (all listeners are handles of it). */
  async #poll(): Promise<void> {
    while (!this.#closed) {
      try {
        const res = await fetch(`${this.base}/${this.#session}?maxev=50`);
        const body = (await res.json()) as JanusMessage | JanusMessage[];
        for (const msg of Array.isArray(body) ? body : [body]) {
          if (msg.sender === undefined || msg.janus === 'keepalive') continue;
          const queue = this.#events.get(msg.sender) ?? [];
          queue.push(msg);
          this.#events.set(msg.sender, queue);
          this.#waiters.get(msg.sender)?.();
        }
      } catch (error) {
        if (!this.#closed) console.error(`janus long poll: ${(error as Error).message}`);
      }
    }
  }

  /** The next event on `handle` carrying a JSEP or plugin data that satisfies `match`. */
  async #event(handle: number, match: (m: JanusMessage) => boolean, what: string): Promise<JanusMessage> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const queue = this.#events.get(handle) ?? [];
      const k = queue.findIndex(match);
      if (k >= 0) return queue.splice(k, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`janus handle ${handle}: no ${what} within 30 s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.#waiters.set(handle, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** One listener: a handle on the session watching mountpoint 1 with its own peer connection; resolves once ICE connects. */
  async addListener(): Promise<JanusListener> {
    const attached = await this.#post(`/${this.#session}`, { janus: 'attach', plugin: 'janus.plugin.streaming' });
    const handle = attached.data!.id;
    const at = `/${this.#session}/${handle}`;
    await this.#post(at, { janus: 'message', body: { request: 'watch', id: 1 } });
    const offer = await this.#event(handle, (m) => m.jsep?.type === 'offer', 'offer');
    const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
    const connected = new Promise<void>((resolve, reject) => {
      pc.oniceconnectionstatechange = () => {
        if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') resolve();
        if (pc.iceConnectionState === 'failed') reject(new Error(`janus handle ${handle}: ICE failed`));
      };
    });
    connected.catch(() => undefined);
    const gathered = new Promise<void>((resolve) => {
      pc.onicecandidate = ({ candidate }) => {
        if (!candidate) resolve();
      };
    });
    await pc.setRemoteDescription(offer.jsep!);
    await pc.setLocalDescription(await pc.createAnswer());
    // Non-trickle: the answer carries our candidates (all loopback here).
    await gathered;
    await this.#post(at, { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp: pc.localDescription!.sdp, trickle: false } });
    await connected;
    return {
      pc,
      close: () => {
        pc.close();
        void this.#post(at, { janus: 'detach' }).catch(() => undefined);
      },
    };
  }

  stop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.proc.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  get output(): string {
    return this.log();
  }
}
