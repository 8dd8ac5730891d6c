import dgram from 'node:dgram';
import dns from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { isIPv6 } from 'node:net';
import {
  Attr,
  attr,
  Class,
  decode,
  encode,
  errorCode,
  frameLength,
  longTermKey,
  Method,
  newTransactionId,
  readXorAddress,
  xorAddress,
  type Address,
  type StunMessage,
} from './stun.js';

/**
 * A small TURN client (RFC 8656) over UDP, TCP or TLS: Allocate, CreatePermission, Send and
 * Data indications, Refresh. Enough for the connectivity self-test and for security tests that
 * need the server's exact answer (401, 403…) — which turnutils_uclient does not report in a
 * machine-readable way. Every wait is bounded (resolving, connecting, each request), an abort
 * signal ends all of them at once, and no event listener can throw.
 */

export interface TurnUrl {
  secure: boolean;
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
}

export function parseTurnUrl(url: string): TurnUrl {
  const m = /^(turns?):(\[[^\]]+\]|[^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(url.trim());
  if (!m) throw new Error(`not a TURN URL: ${url}`);
  const secure = m[1]!.toLowerCase() === 'turns';
  return {
    secure,
    host: m[2]!.replace(/^\[|\]$/g, ''),
    port: m[3] ? Number(m[3]) : secure ? 5349 : 3478,
    transport: secure ? 'tcp' : ((m[4]?.toLowerCase() as 'udp' | 'tcp' | undefined) ?? 'udp'),
  };
}

export class TurnError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    // Code 0 marks our own failures (timeouts, resolution); the server's carry its code.
    super(code ? `${code} ${reason}`.trim() : reason);
    this.name = 'TurnError';
  }
}

export interface TurnClientOptions {
  username?: string;
  password?: string;
  /** Bound on every step: resolving the host, connecting, and each request (UDP retransmissions included). */
  timeoutMs?: number;
  /** Allocate an IPv6 relay (REQUESTED-ADDRESS-FAMILY). */
  ipv6Relay?: boolean;
  /** Trust this CA for turns: (tests); the system CAs otherwise. */
  ca?: string | Buffer;
  /** Gives up at once when aborted: the connect or pending request rejects and the socket closes. */
  signal?: AbortSignal;
  /** Host name → address (tests inject a resolver that never answers); the system resolver otherwise. */
  lookup?: (host: string) => Promise<string>;
}

/** Attributes per transaction: XOR-PEER-ADDRESS is masked with the transaction id. */
type Attrs = (transactionId: Buffer) => StunMessage['attrs'];
type Pending = { resolve: (m: StunMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; resend?: NodeJS.Timeout };

export class TurnClient {
  readonly url: TurnUrl;
  relayed: Address | undefined;
  onData: (peer: Address, data: Buffer) => void = () => undefined;
  /** Called once when the transport fails (socket error, closed stream, a malformed message, abort). */
  onFailure: (error: Error) => void = () => undefined;
  #udp: dgram.Socket | undefined;
  #stream: net.Socket | undefined;
  #rx = Buffer.alloc(0);
  #pending = new Map<string, Pending>();
  #realm = '';
  #nonce = '';
  #closed = false;
  /** Set once the transport failed: later requests fail at once with it. */
  #broken: Error | undefined;

  private constructor(
    url: string,
    private readonly options: TurnClientOptions,
  ) {
    this.url = parseTurnUrl(url);
  }

  /** Resolves the host and connects the transport (UDP needs no handshake; TCP/TLS do), each step bounded. */
  static async connect(url: string, options: TurnClientOptions = {}): Promise<TurnClient> {
    const client = new TurnClient(url, options);
    try {
      await client.#open();
    } catch (error) {
      client.#closeTransport();
      throw error;
    }
    // From now on an abort fails whatever is pending, and every later request.
    options.signal?.addEventListener('abort', () => client.#fail(abortError(options.signal)), { once: true });
    return client;
  }

  get #timeoutMs(): number {
    return this.options.timeoutMs ?? 5_000;
  }

  /** `promise`, or a TurnError once the step's bound or the abort signal comes first. */
  #bounded<T>(promise: Promise<T>, what: string, onGiveUp: () => void = () => undefined): Promise<T> {
    const signal = this.options.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<T>((resolve, reject) => {
      const stop = (error: Error) => {
        cleanup();
        onGiveUp();
        reject(error);
      };
      const timer = setTimeout(() => stop(new TurnError(0, `timed out ${what}`)), this.#timeoutMs);
      const onAbort = () => stop(abortError(signal));
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => (cleanup(), resolve(value)),
        (error: unknown) => (cleanup(), reject(error instanceof Error ? error : new Error(String(error)))),
      );
    });
  }

  async #resolve(host: string): Promise<string> {
    if (net.isIP(host)) return host;
    // RFC 6761: names under .invalid never resolve; answer so without asking any resolver.
    if (/\.invalid\.?$/i.test(host) || host.toLowerCase() === 'invalid') throw new TurnError(0, `cannot resolve ${host} (ENOTFOUND)`);
    const lookup = this.options.lookup ?? (async (h: string) => (await dns.lookup(h)).address);
    const pending = lookup(host).catch((error: unknown) => {
      throw new TurnError(0, `cannot resolve ${host} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    });
    // The lookup itself cannot be cancelled; a late answer is simply ignored.
    pending.catch(() => undefined);
    return this.#bounded(pending, `resolving ${host}`);
  }

  async #open(): Promise<void> {
    const { host, port, transport, secure } = this.url;
    const ip = await this.#resolve(host);
    if (transport === 'udp') {
      const socket = dgram.createSocket(isIPv6(ip) ? 'udp6' : 'udp4');
      this.#udp = socket;
      socket.on('message', this.#guard((msg: Buffer) => this.#receive(msg)));
      // Until connected, an error rejects the connect below; afterwards it fails pending requests.
      let failConnect: (error: Error) => void = () => undefined;
      socket.on('error', (err) => (failConnect(err), this.#fail(err)));
      const connected = new Promise<void>((resolve, reject) => {
        failConnect = reject;
        socket.bind(0, this.#guard(() => socket.connect(port, ip, () => resolve())));
      });
      await this.#bounded(connected, 'connecting', () => this.#closeTransport());
      return;
    }
    let socket: net.Socket | undefined;
    const connected = new Promise<net.Socket>((resolve, reject) => {
      const s = secure
        ? tls.connect({ host: ip, port, servername: net.isIP(host) ? undefined : host, ca: this.options.ca }, () => resolve(s))
        : net.connect({ host: ip, port }, () => resolve(s));
      socket = s;
      // `on`, not `once`: a second error after the first must not become an unhandled 'error' event.
      s.on('error', (err) => (reject(err), this.#fail(err)));
    });
    const stream = await this.#bounded(connected, secure ? 'connecting (TLS handshake)' : 'connecting', () => socket?.destroy());
    stream.on(
      'data',
      this.#guard((chunk: Buffer) => {
        this.#rx = Buffer.concat([this.#rx, chunk]);
        for (let n = frameLength(this.#rx); n > 0; n = frameLength(this.#rx)) {
          const frame = this.#rx.subarray(0, n);
          this.#rx = this.#rx.subarray(n);
          this.#receive(frame);
        }
      }),
    );
    stream.on('close', () => this.#fail(new Error('connection closed')));
    this.#stream = stream;
  }

  /** Event listeners never throw: whatever goes wrong in one fails the client's pending requests instead. */
  #guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        this.#fail(error instanceof Error ? error : new Error(String(error)));
      }
    };
  }

  #fail(err: Error): void {
    this.#failAll(err);
    if (this.#broken || this.#closed) return;
    this.#broken = err;
    try {
      this.onFailure(err);
    } catch {
      // a handler's own failure changes nothing here
    }
  }

  #closeTransport(): void {
    this.#closed = true;
    try {
      this.#udp?.close();
    } catch {
      // already closed
    }
    this.#stream?.destroy();
  }

  /** Never throws: a socket that closed or failed under us fails the pending requests instead. */
  #write(buf: Buffer): void {
    if (this.#closed || this.#broken) return;
    try {
      if (this.#udp) this.#udp.send(buf, (err) => err && this.#fail(err));
      else this.#stream?.write(buf);
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #receive(buf: Buffer): void {
    const m = decode(buf);
    if (!m) return;
    if (m.cls === Class.Indication && m.method === Method.Data) {
      const peer = attr(m, Attr.XorPeerAddress);
      const data = attr(m, Attr.Data);
      // A malformed address or a throwing handler is caught by the listener's guard.
      if (peer && data) this.onData(readXorAddress(peer, m.transactionId), Buffer.from(data));
      return;
    }
    const key = m.transactionId.toString('hex');
    const pending = this.#pending.get(key);
    if (!pending) return;
    this.#pending.delete(key);
    clearTimeout(pending.timer);
    clearInterval(pending.resend);
    pending.resolve(m);
  }

  #failAll(err: Error): void {
    for (const [key, p] of this.#pending) {
      this.#pending.delete(key);
      clearTimeout(p.timer);
      clearInterval(p.resend);
      p.reject(err);
    }
  }

  /** One transaction; UDP retransmits every 500 ms until the answer or the timeout. */
  #transact(method: number, attrs: Attrs, authenticated: boolean): Promise<StunMessage> {
    if (this.#closed) return Promise.reject(new Error('client closed'));
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.options.signal?.aborted) return Promise.reject(abortError(this.options.signal));
    const transactionId = newTransactionId();
    const all = [...attrs(transactionId)];
    let key: Buffer | undefined;
    if (authenticated && this.options.username !== undefined && this.#realm) {
      all.push(
        { type: Attr.Username, value: Buffer.from(this.options.username) },
        { type: Attr.Realm, value: Buffer.from(this.#realm) },
        { type: Attr.Nonce, value: Buffer.from(this.#nonce) },
      );
      key = longTermKey(this.options.username, this.#realm, this.options.password ?? '');
    }
    const buf = encode({ method, cls: Class.Request, transactionId, attrs: all }, key);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transactionId.toString('hex'));
        clearInterval(pending.resend);
        reject(new TurnError(0, 'timed out'));
      }, this.#timeoutMs);
      const pending: Pending = { resolve, reject, timer };
      if (this.#udp) pending.resend = setInterval(() => this.#write(buf), 500);
      this.#pending.set(transactionId.toString('hex'), pending);
      this.#write(buf);
    });
  }

  /** A request with the long-term credential dance: 401 (or 438 stale nonce) → retry with auth. */
  async #request(method: number, attrs: Attrs): Promise<StunMessage> {
    let answer = await this.#transact(method, attrs, true);
    for (let tries = 0; answer.cls === Class.Error && tries < 2; tries++) {
      const err = errorCode(answer);
      const retryable = (err?.code === 401 && !this.#realm) || err?.code === 438;
      if (!retryable || this.options.username === undefined) break;
      this.#realm = attr(answer, Attr.Realm)?.toString('utf8') ?? this.#realm;
      this.#nonce = attr(answer, Attr.Nonce)?.toString('utf8') ?? this.#nonce;
      answer = await this.#transact(method, attrs, true);
    }
    if (answer.cls === Class.Error) {
      const err = errorCode(answer);
      throw new TurnError(err?.code ?? 0, err?.reason ?? 'error');
    }
    return answer;
  }

  /** Allocates a UDP relay; resolves with its public (relayed) address. */
  async allocate(): Promise<Address> {
    const attrs: StunMessage['attrs'] = [{ type: Attr.RequestedTransport, value: Buffer.from([17, 0, 0, 0]) }];
    if (this.options.ipv6Relay) attrs.push({ type: Attr.RequestedAddressFamily, value: Buffer.from([0x02, 0, 0, 0]) });
    const answer = await this.#request(Method.Allocate, () => attrs);
    const relayed = attr(answer, Attr.XorRelayedAddress);
    if (!relayed) throw new TurnError(0, 'no relayed address in the answer');
    this.relayed = readXorAddress(relayed, answer.transactionId);
    return this.relayed;
  }

  /** Lets `ip` send to our relay, and us to it; a hardened server answers 403 for denied ranges. */
  async createPermission(ip: string): Promise<void> {
    await this.#request(Method.CreatePermission, (tid) => [{ type: Attr.XorPeerAddress, value: xorAddress({ ip, port: 0 }, tid) }]);
  }

  /** Send indication: fire and forget, as TURN defines it. */
  send(peer: Address, data: Buffer): void {
    const transactionId = newTransactionId();
    this.#write(
      encode({
        method: Method.Send,
        cls: Class.Indication,
        transactionId,
        attrs: [
          { type: Attr.XorPeerAddress, value: xorAddress(peer, transactionId) },
          { type: Attr.Data, value: data },
        ],
      }),
    );
  }

  /** Releases the allocation (Refresh with lifetime 0, bounded like any request) and the socket. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.relayed && !this.#broken && !this.options.signal?.aborted) {
      await this.#request(Method.Refresh, () => [{ type: Attr.Lifetime, value: Buffer.from([0, 0, 0, 0]) }]).catch(() => undefined);
    }
    this.#failAll(new Error('client closed'));
    this.#closeTransport();
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof TurnError) return reason;
  return new TurnError(0, reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'aborted');
}
