// Roomcast "My library" Service Worker: answers the <audio> element's range requests for
// /library/stream/<agentId>/<trackId> by asking the page, which reads the bytes from the
// desktop agent over its data channel (or the server relay). Seeking is then the browser's
// own: it asks for a new range, we answer 206 with exactly those bytes.
//
// Registered with scope "/" so a page reached by in-app navigation is controlled too; every
// other request falls through untouched (no respondWith).

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

/**
 * A range answered as it arrives: 206 once the page has the read's header, then each chunk of
 * the data channel as the page gets it (the element starts decoding after the first 64 KiB, and
 * the channel never waits for a whole range to be copied through). The page keeps two 4 MiB
 * reads in flight and asks more only when this stream is pulled, so an element that stops
 * reading stops the reads; dropping the response (a seek) cancels them at the agent.
 */
async function answer(event, url) {
  const [, , , agentId, trackId] = url.pathname.split('/');
  if (url.searchParams.has('kbps')) return transcode(event, agentId, trackId, Number(url.searchParams.get('kbps')), Number(url.searchParams.get('t') ?? 0));
  const range = /^bytes=(\d+)-(\d*)$/.exec(event.request.headers.get('range') ?? 'bytes=0-');
  if (!agentId || !trackId || !range) return new Response('bad range', { status: 416 });
  const start = Number(range[1]);
  const end = range[2] ? Number(range[2]) + 1 : Infinity;
  const page = await pageFor(event);
  if (!page) return new Response('the library page is closed', { status: 503 });
  const { channel, header, body } = portStream({ pulled: true });
  page.postMessage({ type: 'library-read', agentId, trackId, start, end }, [channel.port2]);
  const head = await header;
  if (head.error) return new Response(head.error, { status: head.status ?? 502 });
  const last = head.start + head.length - 1;
  return new Response(head.length > 0 ? body : null, {
    status: 206,
    headers: {
      'Content-Type': head.mime,
      'Content-Length': String(head.length),
      'Content-Range': `bytes ${head.start}-${last}/${head.size}`,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-store',
    },
  });
}

/**
 * Data saver: the agent transcodes to Opus, so there are no byte ranges of the file to answer.
 * The element gets one streamed 200 response from the asked time on (a seek is a new URL with
 * another `t`), fed chunk by chunk as the page receives them; dropping it cancels the stream.
 */
async function transcode(event, agentId, trackId, kbps, startMs) {
  if (!agentId || !trackId || !Number.isInteger(kbps) || !Number.isFinite(startMs)) return new Response('bad request', { status: 400 });
  const page = await pageFor(event);
  if (!page) return new Response('the library page is closed', { status: 503 });
  const { channel, header, body } = portStream({ pulled: false });
  page.postMessage({ type: 'library-transcode', agentId, trackId, kbps, startMs }, [channel.port2]);
  const head = await header;
  if (head.error) return new Response(head.error, { status: 502 });
  return new Response(body, { status: 200, headers: { 'Content-Type': head.mime, 'Cache-Control': 'no-store' } });
}

/**
 * The page's answer as a stream: a header (or an error before it), then chunks, then the end.
 * `pulled`: the page reads ahead only when asked (ranges), so a stalled element stops the
 * reads; a transcode streams on by itself. Cancelling the body cancels the work at the agent.
 */
function portStream({ pulled }) {
  const channel = new MessageChannel();
  let onHeader;
  const header = new Promise((resolve) => (onHeader = resolve));
  let started = false;
  /** A read ended since the last ask: the page may start another when the element pulls. */
  let mayAsk = false;
  const ask = () => {
    mayAsk = false;
    channel.port1.postMessage({ more: true });
  };
  const body = new ReadableStream({
    start(controller) {
      channel.port1.onmessage = (e) => {
        const m = e.data;
        if (m.header) {
          started = true;
          onHeader(m.header);
        } else if (m.chunk) controller.enqueue(new Uint8Array(m.chunk));
        else if (m.readDone && pulled) {
          mayAsk = true;
          // Nothing queued: the element waits, and no pull would come to ask for it.
          if (controller.desiredSize > 0) ask();
        } else if (m.end) controller.close();
        else if (m.error) {
          if (started) controller.error(new Error(m.error));
          else onHeader({ error: m.error, status: m.status });
        }
      };
    },
    pull() {
      if (mayAsk) ask();
    },
    cancel() {
      channel.port1.postMessage({ cancel: true });
    },
  });
  return { channel, header, body };
}
