import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatusBoard } from './status.js';

export interface StatusPage {
  url: string;
  close(): Promise<void>;
}

/** The page itself: static, it fetches status.json every second and renders it (no framework). */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Roomcast agent</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:46rem;padding:0 1rem;color:#1b1b1f}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:1.6rem}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #ddd}.muted{color:#666}
.on{color:#176d2c}.off{color:#a31b1b}progress{width:100%}
</style></head><body>
<h1>Roomcast agent</h1>
<p id="pairing" class="muted">Loading…</p>
<h2>Shared folders</h2><ul id="folders"></ul>
<h2>Index</h2><p id="scan"></p><progress id="bar" hidden></progress>
<h2>Listening now</h2>
<table><thead><tr><th>Who</th><th>Path</th><th>Speed</th><th>Sent</th></tr></thead><tbody id="listeners"></tbody></table>
<p id="cap" class="muted"></p>
<script>
const RUNG = { direct: 'direct (peer-to-peer)', 'relay-udp': 'TURN relay (UDP)', 'relay-tcp': 'TURN relay (TCP)', 'relay-tls': 'TURN relay (TLS)', server: 'server relay' };
const $ = (id) => document.getElementById(id);
const size = (n) => n >= 1e6 ? (n / 1e6).toFixed(1) + ' MB' : n >= 1e3 ? (n / 1e3).toFixed(0) + ' kB' : n + ' B';
function cell(row, text) { const td = document.createElement('td'); td.textContent = text; row.append(td); }
async function refresh() {
  try {
    const s = await (await fetch('status.json', { cache: 'no-store' })).json();
    const p = s.pairing;
    $('pairing').className = p.online ? 'on' : 'off';
    $('pairing').textContent = p.server
      ? (p.online ? 'Online' : 'Offline') + ' — "' + (p.agentName || '?') + '"' + (p.ownerName ? ' of ' + p.ownerName : '') + ' at ' + p.server
      : 'Not paired: run roomcast-agent pair';
    $('folders').replaceChildren(...s.folders.map((f) => { const li = document.createElement('li'); li.textContent = f; return li; }));
    const sc = s.scan;
    $('scan').textContent = sc.state === 'scanning'
      ? 'Scanning: ' + sc.done + ' of ' + sc.total + ' files'
      : sc.tracks + ' tracks indexed' + (sc.state === 'watching' ? ', watching for changes' : '') + (sc.summary ? ' (last scan: ' + sc.summary + ')' : '') + (sc.lastChangeAt ? '; last change ' + new Date(sc.lastChangeAt).toLocaleTimeString() : '');
    $('bar').hidden = sc.state !== 'scanning';
    $('bar').max = sc.total || 1; $('bar').value = sc.done;
    $('listeners').replaceChildren(...(s.listeners.length ? s.listeners.map((l) => {
      const tr = document.createElement('tr'); tr.dataset.session = l.sessionId;
      cell(tr, l.displayName); cell(tr, l.rung ? RUNG[l.rung] : 'connecting'); cell(tr, size(l.bytesPerSecond) + '/s'); cell(tr, size(l.bytesSent));
      return tr;
    }) : [(() => { const tr = document.createElement('tr'); cell(tr, 'Nobody'); return tr; })()]));
    $('cap').textContent = s.uploadCapBytes ? 'Upload cap: ' + size(s.uploadCapBytes) + '/s, shared by everyone listening' : 'No upload cap';
  } catch { $('pairing').textContent = 'The agent stopped.'; $('pairing').className = 'off'; }
}
refresh(); setInterval(refresh, 1000);
</script></body></html>`;

/**
 * The agent's status page, for people who do not live in terminals: bound to 127.0.0.1 only,
 * and answering only requests addressed to it by a loopback name (a web page elsewhere cannot
 * read it through DNS rebinding). It shows no secrets (never the token).
 */
export async function serveStatusPage(board: StatusBoard, port: number): Promise<StatusPage> {
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') return end(res, 421, 'text/plain', 'misdirected request\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return end(res, 405, 'text/plain', 'method not allowed\n');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/status.json') return end(res, 200, 'application/json', JSON.stringify(board.snapshot()));
    if (url.pathname === '/') return end(res, 200, 'text/html; charset=utf-8', PAGE);
    return end(res, 404, 'text/plain', 'not found\n');
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Samples the listeners' byte counts each second, so their speed is current when the page asks.
  const tick = setInterval(() => board.snapshot(), 1000);
  tick.unref();
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => {
      clearInterval(tick);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function end(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'" });
  res.end(body);
}
