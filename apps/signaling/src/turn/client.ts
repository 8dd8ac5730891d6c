import dgram from 'node:dgram';
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
 * machine-readable way. Every wait is bounded.
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
    super(`${code} ${reason}`.trim());
    this.name = 'TurnError';
  }
}

export interface TurnClientOptions {
  username?: string;
  password?: string;
  /** Per request, including retransmissions over UDP. */
  timeoutMs?: number;
  /** Allocate an IPv6 relay (REQUESTED-ADDRESS-FAMILY). */
  ipv6Relay?: boolean;
  /** Trust this CA for turns: (tests); the system CAs otherwise. */
  ca?: string | Buffer;
}

/** Attributes per transaction: XOR-PEER-ADDRESS is masked with the transaction id. */
type Attrs = (transactionId: Buffer) => StunMessage['attrs'];
type Pending = { resolve: (m: StunMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; resend?: NodeJS.Timeout };

export class TurnClient {
  readonly url: TurnUrl;
  relayed: Address | undefined;
  onData: (peer: Address, data: Buffer) => void = () => undefined;
  #udp: dgram.Socket | undefined;
  #stream: net.Socket | undefined;
  #rx = Buffer.alloc(0);
  #pending = new Map<string, Pending>();
  #realm = '';
  #nonce = '';
  #closed = false;

  private constructor(
    url: string,
    private readonly options: TurnClientOptions,
  ) {
    this.url = parseTurnUrl(url);
  }

  /** Connects the transport (UDP needs no handshake; TCP/TLS do). */
  static async connect(url: string, options: TurnClientOptions = {}): Promise<TurnClient> {
    const client = new TurnClient(url, options);
    await client.#open();
    return client;
  }

  get #timeoutMs(): number {
    return this.options.timeoutMs ?? 5_000;
  }

  async #open(): Promise<void> {
    const { host, port, transport, secure } = this.url;
    if (transport === 'udp') {
      const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      socket.on('message', (msg) => this.#receive(msg));
      socket.on('error', (err) => this.#failAll(err));
      await new Promise<void>((resolve) => socket.bind(0, resolve));
      socket.connect(port, host);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      this.#udp = socket;
      return;
    }
    const stream = await new Promise<net.Socket>((resolve, reject) => {
      const s = secure
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ca: this.options.ca }, () => resolve(s))
        : net.connect({ host, port }, () => resolve(s));
      const timer = setTimeout(() => (s.destroy(), reject(new Error('timed out connecting'))), this.#timeoutMs);
      s.once('connect', () => clearTimeout(timer));
      s.once('secureConnect', () => clearTimeout(timer));
      s.once('error', (err) => (clearTimeout(timer), reject(err)));
    });
    stream.on('data', (chunk: Buffer) => {
      this.#rx = Buffer.concat([this.#rx, chunk]);
      for (let n = frameLength(this.#rx); n > 0; n = frameLength(this.#rx)) {
        this.#receive(this.#rx.subarray(0, n));
        this.#rx = this.#rx.subarray(n);
      }
    });
    stream.on('error', (err) => this.#failAll(err));
    stream.on('close', () => this.#failAll(new Error('connection closed')));
    this.#stream = stream;
  }

  #write(buf: Buffer): void {
    if (this.#udp) this.#udp.send(buf);
    else this.#stream?.write(buf);
  }

  #receive(buf: Buffer): void {
    const m = decode(buf);
    if (!m) return;
    if (m.cls === Class.Indication && m.method === Method.Data) {
      const peer = attr(m, Attr.XorPeerAddress);
      const data = attr(m, Attr.Data);
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

  /** Releases the allocation (Refresh with lifetime 0) and the socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.relayed) {
      await this.#request(Method.Refresh, () => [{ type: Attr.Lifetime, value: Buffer.from([0, 0, 0, 0]) }]).catch(() => undefined);
    }
    this.#closed = true;
    this.#failAll(new Error('client closed'));
    this.#udp?.close();
    this.#stream?.destroy();
  }
}
