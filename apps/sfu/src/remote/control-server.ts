import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { RoomcastError, sfuEvents, sfuMethods, type SfuControl, type SfuEvents, type SfuMethod } from '@roomcast/shared';
import { sampled } from '../sampled.js';
import { ControlRequest, REQUEST_MAX_BYTES, secretMatches, type ControlMessage } from './wire.js';

export interface ControlServerOptions {
  host: string;
  port: number;
  secret: string;
  log: Logger;
}

/** Level updates are superseded every few hundred ms: a backed-up connection skips them. */
const BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * Serves an `SfuControl` over WebSocket to signaling: requests with ids in, answers and pushed
 * events out. Only a client presenting the shared secret is upgraded; params are validated by
 * the control itself, results and events against the shared schemas before they leave.
 */
export class ControlServer {
  readonly #http = http.createServer();
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: REQUEST_MAX_BYTES });
  readonly #refused: (detail?: object) => void;
  readonly #malformed: (detail?: object) => void;
  #accepting = true;

  private constructor(
    readonly control: SfuControl,
    readonly options: ControlServerOptions,
  ) {
    const { log } = options;
    this.#refused = sampled(log, 'sfu control connection refused: wrong or missing secret');
    this.#malformed = sampled(log, 'sfu control message malformed; connection closed');
    this.#http.on('request', (_req, res) => res.writeHead(426, { connection: 'close' }).end());
    this.#http.on('upgrade', (req, socket: Socket, head) => {
      socket.on('error', () => socket.destroy());
      if (!this.#accepting) return refuse(socket, '503 Service Unavailable');
      if (!secretMatches(req.headers.authorization, options.secret)) {
        this.#refused({ address: req.socket.remoteAddress });
        return refuse(socket, '401 Unauthorized');
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(ws));
    });
  }

  static async listen(control: SfuControl, options: ControlServerOptions): Promise<ControlServer> {
    const server = new ControlServer(control, options);
    server.#http.listen(options.port, options.host);
    await once(server.#http, 'listening');
    return server;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  get url(): string {
    const { host } = this.options;
    return `ws://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  #serve(ws: WebSocket): void {
    const send = (message: ControlMessage) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };
    const forwarders = (Object.keys(sfuEvents) as (keyof SfuEvents)[]).map((event) => {
      const listener = (payload: unknown) => {
        if (event === 'audioLevels' && ws.bufferedAmount > BACKLOG_BYTES) return;
        send({ event, payload });
      };
      this.control.on(event, listener);
      return () => this.control.off(event, listener);
    });
    ws.on('close', () => forwarders.forEach((off) => off()));
    // ws has already begun the closing handshake for protocol errors (an oversized frame gets
    // 1009): terminating here would reset the socket before that close frame reaches the peer.
    ws.on('error', () => {
      if (ws.readyState === WebSocket.OPEN) ws.terminate();
    });
    ws.on('message', (data, isBinary) => void this.#answer(data, isBinary, ws, send));
  }

  async #answer(data: RawData, isBinary: boolean, ws: WebSocket, send: (m: ControlMessage) => void): Promise<void> {
    let request: ControlRequest;
    try {
      if (isBinary) throw new Error('binary frame');
      request = ControlRequest.parse(JSON.parse(String(data)));
    } catch {
      this.#malformed();
      ws.close(1007, 'malformed control request');
      return;
    }
    const { id, method } = request;
    try {
      if (!Object.hasOwn(sfuMethods, method)) throw new RoomcastError('unknown_event', `unknown sfu method ${method}`);
      const result = await this.control.request(method as SfuMethod, request.params as never);
      const checked = sfuMethods[method as SfuMethod].result.safeParse(result);
      if (!checked.success) {
        this.options.log.error({ method, issues: checked.error.issues.slice(0, 3) }, 'sfu result failed its schema');
        throw new RoomcastError('internal', `the sfu answered ${method} with an invalid result`);
      }
      send({ id, result: checked.data });
    } catch (error) {
      if (error instanceof RoomcastError) return send({ id, error: error.toBody() });
      this.options.log.error({ err: error, method }, 'sfu control request failed');
      send({ id, error: { code: 'internal', message: 'the media server failed; see its log' } });
    }
  }

  /** Refuses new connections (shutdown); those open keep working until `close`. */
  stopAccepting(): void {
    this.#accepting = false;
  }

  /** Closes every connection (going away) and the listener; idempotent. */
  async close(): Promise<void> {
    this.#accepting = false;
    const closing = [...this.#wss.clients].map((ws) => {
      ws.close(1001, 'sfu shutting down');
      return once(ws, 'close');
    });
    const timer = setTimeout(() => this.#wss.clients.forEach((ws) => ws.terminate()), 2000);
    await Promise.all(closing);
    clearTimeout(timer);
    this.#wss.close();
    if (this.#http.listening) await new Promise((resolve) => this.#http.close(resolve));
  }
}

function refuse(socket: Socket, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
