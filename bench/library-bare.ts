/**
 * bench:library's ceilings: a bare node-datachannel transfer (no protocol, 64 KiB messages, the
 * agent's back-pressure marks) into another node-datachannel peer and into Chromium. The
 * product's figures are read against these, measured in the same run.
 */
import nodeDataChannel, { type PeerConnection } from 'node-datachannel';
import type { Page } from 'playwright-core';

export const CHUNK = 64 * 1024;
export const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);
export const step = (what: string): void => console.error(`[bench:library] ${what}`);

// The bare transfer's signalling hook into the page: exposed once per page, pointed at each round's peer.
const exposed = new WeakSet<Page>();
let bareSignal: (m: { sdp?: string; candidate?: string; mid?: string }) => void = () => {};

/** Adds remote candidates to `pc`, ignoring a connection that already closed (a callback must never throw). */
function candidateAdder(pc: PeerConnection): (candidate: string, mid: string) => void {
  return (candidate, mid) => {
    try {
      pc.addRemoteCandidate(candidate, mid);
    } catch {
      // The connection already closed.
    }
  };
}

/** Two node-datachannel peers in this process, direct: the ceiling for the direct rung. */
export async function bareDataChannel(size: number): Promise<number> {
  const a = new nodeDataChannel.PeerConnection('bare-a', { iceServers: [] });
  const b = new nodeDataChannel.PeerConnection('bare-b', { iceServers: [] });
  // A candidate can come before the description it belongs to (libdatachannel's threads): each
  // side holds what it gets until it has the other's description, and never throws in a callback.
  const link = (from: typeof a, to: typeof a) => {
    let described = false;
    const held: [string, string][] = [];
    const add = candidateAdder(to);
    from.onLocalDescription((sdp, type) => {
      to.setRemoteDescription(sdp, type);
      described = true;
      for (const [c, mid] of held.splice(0)) add(c, mid);
    });
    from.onLocalCandidate((c, mid) => (described ? add(c, mid) : held.push([c, mid])));
  };
  link(a, b);
  link(b, a);
  let received = 0;
  const done = new Promise<number>((resolve) => {
    b.onDataChannel((dc) => {
      let t0 = 0;
      dc.onMessage((m) => {
        t0 ||= performance.now();
        received += typeof m === 'string' ? m.length : (m as ArrayBuffer).byteLength;
        if (received >= size) resolve(performance.now() - t0);
      });
    });
  });
  const dc = a.createDataChannel('bare');
  await new Promise<void>((resolve) => dc.onOpen(resolve));
  dc.setBufferedAmountLowThreshold(256 * 1024);
  // One handler for the channel's life (a new one replaces the old): it wakes whoever waits.
  let wake = () => {};
  dc.onBufferedAmountLow(() => wake());
  const chunk = Buffer.alloc(CHUNK, 7);
  const t0 = performance.now();
  for (let sent = 0; sent < size; sent += CHUNK) {
    // The event, or a 20 ms look: the low-water callback was seen to go missing under load.
    while (dc.bufferedAmount() > 1024 * 1024) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 20)));
    dc.sendMessageBinary(chunk.subarray(0, Math.min(CHUNK, size - sent)));
  }
  await done;
  const ms = performance.now() - t0;
  a.close();
  b.close();
  return mbps(size, ms);
}

/** node-datachannel (this process) sends `size` bytes to a data channel the page offered; resolves with the page's first-to-last-byte time. */
export async function bareToChromium(page: Page, size: number): Promise<number> {
  const pc = new nodeDataChannel.PeerConnection('bare-node', { iceServers: [] });
  try {
    // The page's candidates can overtake its offer: held until the offer is set.
    let offered = false;
    const held: [string, string][] = [];
    const add = candidateAdder(pc);
    // Exposed once per page (playwright refuses a second time); each round points it at its own peer.
    if (!exposed.has(page)) {
      exposed.add(page);
      await page.exposeFunction('__bareSignal', (m: { sdp?: string; candidate?: string; mid?: string }) => bareSignal(m));
    }
    bareSignal = (m: { sdp?: string; candidate?: string; mid?: string }) => {
      if (m.sdp) {
        pc.setRemoteDescription(m.sdp, 'offer');
        offered = true;
        for (const [c, mid] of held.splice(0)) add(c, mid);
      } else if (m.candidate) {
        if (offered) add(m.candidate, m.mid ?? '0');
        else held.push([m.candidate, m.mid ?? '0']);
      }
    };
    const answered = new Promise<string>((resolve) => pc.onLocalDescription((sdp) => resolve(sdp)));
    const opened = new Promise<import('node-datachannel').DataChannel>((resolve) => pc.onDataChannel((dc) => resolve(dc)));
    await page.evaluate((size) => {
      const w = window as unknown as { __bare?: { pc: RTCPeerConnection; done: Promise<number> }; __bareSignal: (m: unknown) => Promise<void> };
      w.__bare?.pc.close();
      const rtc = new RTCPeerConnection();
      const dc = rtc.createDataChannel('bare');
      dc.binaryType = 'arraybuffer';
      let received = 0;
      let t0 = 0;
      const done = new Promise<number>((resolve) => {
        dc.onmessage = (e) => {
          t0 ||= performance.now();
          received += (e.data as ArrayBuffer).byteLength;
          if (received >= size) resolve(performance.now() - t0);
        };
      });
      rtc.onicecandidate = (e) => void (e.candidate?.candidate && w.__bareSignal({ candidate: e.candidate.candidate, mid: e.candidate.sdpMid }));
      w.__bare = { pc: rtc, done };
      return rtc.createOffer().then(async (offer) => {
        await rtc.setLocalDescription(offer);
        await w.__bareSignal({ sdp: offer.sdp });
      });
    }, size);
    const answer = await answered;
    pc.onLocalCandidate((candidate, mid) => void page.evaluate(({ candidate, mid }) => (window as unknown as { __bare: { pc: RTCPeerConnection } }).__bare.pc.addIceCandidate({ candidate: candidate.replace(/^a=/, ''), sdpMid: mid }), { candidate, mid }).catch(() => undefined));
    await page.evaluate((sdp) => (window as unknown as { __bare: { pc: RTCPeerConnection } }).__bare.pc.setRemoteDescription({ type: 'answer', sdp }), answer);
    const dc = await opened;
    if (!dc.isOpen()) await new Promise<void>((resolve) => dc.onOpen(resolve));
    dc.setBufferedAmountLowThreshold(256 * 1024);
    let wake = () => {};
    dc.onBufferedAmountLow(() => wake());
    const chunk = Buffer.alloc(CHUNK, 7);
    const timing = page.evaluate(() => (window as unknown as { __bare: { done: Promise<number> } }).__bare.done);
    for (let sent = 0; sent < size; sent += CHUNK) {
      while (dc.bufferedAmount() > 1024 * 1024) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 20)));
      dc.sendMessageBinary(chunk.subarray(0, Math.min(CHUNK, size - sent)));
    }
    return await timing;
  } finally {
    pc.close();
  }
}
