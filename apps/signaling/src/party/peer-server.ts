import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { ExpressPeerServer } from 'peer';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { MeshId } from '@roomcast/shared';
import type { Sessions } from '../auth/sessions.js';
import { originAllowed, type OriginPolicy } from '../http/origin.js';
import type { PartyStore } from './party-store.js';

/** Where the PeerJS server answers: the client's `path` option. */
export const PEER_PATH = '/peerjs';
/** The PeerJS `key` every client uses (PeerJS's default). */
export const PEER_KEY = 'peerjs';

export interface PeerServerDeps {
  sessions: Sessions;
  parties: PartyStore;
  origin: OriginPolicy;
  log: Logger;
}

export interface PeerMesh {
  /** Whether an upgrade request's path is the PeerJS WebSocket's. */
  claims(pathname: string): boolean;
  /** Closes a member's PeerJS connection (it left its party). */
  disconnect(meshId: string): void;
  close(): void;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The `peer` package's PeerServer on signaling's own HTTP server and port. Its WebSocket only
 * opens for a signed-in person (the session cookie, same origin) registering under the mesh id
 * the server gave one of its party memberships; anything else is refused at the upgrade, before
 * PeerJS sees it. Peers still check who they talk to against the party's presence list.
 */
export function mountPeerServer(web: Express, server: Server, deps: PeerServerDeps): PeerMesh {
  let wss: WebSocketServer | undefined;
  let wsPath = '';
  const open = new Map<string, WebSocket>();
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== wsPath || !wss) return; // socket.io's, or nobody's
    const server = wss;
    (async () => {
      if (!originAllowed(req, deps.origin)) return refuse(socket, 403, 'Forbidden');
      const meshId = MeshId.safeParse(url.searchParams.get('id'));
      const user = await deps.sessions.resolve(req.headers.cookie);
      if (!user) return refuse(socket, 401, 'Unauthorized');
      const found = meshId.success ? await deps.parties.findMember(meshId.data) : undefined;
      if (!found || found.member.userId !== user.id) return refuse(socket, 403, 'Forbidden');
      server.handleUpgrade(req, socket, head, (ws) => {
        open.set(found.member.meshId, ws);
        ws.once('close', () => open.get(found.member.meshId) === ws && open.delete(found.member.meshId));
        server.emit('connection', ws, req);
      });
    })().catch((error: unknown) => {
      deps.log.warn({ err: error }, 'peer server upgrade failed');
      refuse(socket, 503, 'Service Unavailable');
    });
  };

  const peer = ExpressPeerServer(server, {
    key: PEER_KEY,
    path: '/',
    allow_discovery: false,
    // PeerJS would attach its own upgrade listener to the whole server; ours authenticates first.
    createWebSocketServer: (options) => {
      wsPath = options.path ?? '';
      wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
      server.on('upgrade', onUpgrade);
      return wss;
    },
  } as Parameters<typeof ExpressPeerServer>[1]);
  peer.on('error', (error: unknown) => deps.log.debug({ err: error }, 'peer server error'));
  web.use(PEER_PATH, peer as unknown as Express);

  return {
    claims: (pathname) => wss !== undefined && pathname === wsPath,
    disconnect(meshId) {
      open.get(meshId)?.close();
    },
    // The package's own housekeeping timers cannot be reached from outside; they hold no socket.
    close() {
      server.off('upgrade', onUpgrade);
      for (const ws of wss?.clients ?? []) ws.terminate();
      wss?.close();
    },
  };
}
