import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Refuses WebSocket upgrades on paths no part of the server claims. socket.io would do it
 * itself (engine.io's `destroyUpgrade`), but on a 1 s timer that also cuts an upgrade another
 * part is still authenticating: the PeerJS path awaits the session and the party store first,
 * and on a busy machine that can take longer. So socket.io runs with `destroyUpgrade: false`
 * and this listener refuses the strays at once instead.
 */
export function refuseUnclaimedUpgrades(server: Server, claimed: (pathname: string) => boolean): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (claimed(pathname)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}
