// Roomcast "My library" Service Worker: answers the <audio> element's range requests for
// /library/stream/<agentId>/<trackId> by asking the page, which reads the bytes from the
// desktop agent over its data channel (or the server relay). Seeking is then the browser's
// own: it asks for a new range, we answer 206 with exactly those bytes.
//
// Registered with scope "/" so a page reached by in-app navigation is controlled too; every
// other request falls through untouched (no respondWith).

/** Most bytes one answer carries; the media element asks again for the rest. */
const MAX_ANSWER = 512 * 1024;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith('/library/stream/')) return;
  event.respondWith(answer(event, url));
});

async function pageFor(event) {
  const own = event.clientId ? await self.clients.get(event.clientId) : undefined;
  if (own) return own;
  const windows = await self.clients.matchAll({ type: 'window' });
  return windows.find((c) => new URL(c.url).pathname.startsWith('/library')) ?? windows[0];
}

async function answer(event, url) {
  const [, , , agentId, trackId] = url.pathname.split('/');
  const range = /^bytes=(\d+)-(\d*)$/.exec(event.request.headers.get('range') ?? 'bytes=0-');
  if (!agentId || !trackId || !range) return new Response('bad range', { status: 416 });
  const start = Number(range[1]);
  const askedEnd = range[2] ? Number(range[2]) + 1 : Infinity;
  const end = Math.min(askedEnd, start + MAX_ANSWER);
  const page = await pageFor(event);
  if (!page) return new Response('the library page is closed', { status: 503 });
  const channel = new MessageChannel();
  const reply = new Promise((resolve) => {
    channel.port1.onmessage = (e) => resolve(e.data);
  });
  page.postMessage({ type: 'library-read', agentId, trackId, start, end }, [channel.port2]);
  const data = await reply;
  if (data.error) return new Response(data.error, { status: data.status ?? 502 });
  const last = data.start + data.bytes.byteLength - 1;
  return new Response(data.bytes, {
    status: 206,
    headers: {
      'Content-Type': data.mime,
      'Content-Length': String(data.bytes.byteLength),
      'Content-Range': `bytes ${data.start}-${last}/${data.size}`,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-store',
    },
  });
}
