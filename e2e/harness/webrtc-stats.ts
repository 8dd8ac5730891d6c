import type { Page } from 'playwright-core';

/**
 * Lets a test read the page's own WebRTC counters. Must run before the app loads: it wraps
 * RTCPeerConnection so every connection the app makes is remembered on window.
 */
export async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const all: RTCPeerConnection[] = [];
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = all;
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        all.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

/** Audio RTP packets this page has sent so far, over every open connection. */
export async function audioPacketsSent(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    let sent = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: { type: string; kind?: string; packetsSent?: number }) => {
        if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.packetsSent ?? 0;
      });
    }
    return sent;
  });
}

export interface InboundAudio {
  mimeType: string;
  channels: number;
  sdpFmtpLine: string;
  bytesReceived: number;
  /** Receive rate over the sampling window, in kbit/s. */
  kbps: number;
}

/**
 * The page's received audio as its own getStats() reports it: the codec of the inbound-rtp
 * stream with the most bytes, and its bitrate over `windowMs`.
 */
export async function inboundAudio(page: Page, windowMs = 3000): Promise<InboundAudio> {
  return page.evaluate(async (windowMs) => {
    const pcs = ((window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []).filter((pc) => pc.connectionState !== 'closed');
    type Entry = { type: string; kind?: string; bytesReceived?: number; codecId?: string; mimeType?: string; channels?: number; sdpFmtpLine?: string; id: string };
    const sample = async () => {
      let best: { entry: Entry; codec: Entry | undefined; at: number } | undefined;
      for (const pc of pcs) {
        const stats = await pc.getStats();
        stats.forEach((s: Entry) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && (s.bytesReceived ?? 0) > (best?.entry.bytesReceived ?? -1)) {
            best = { entry: s, codec: s.codecId ? ((stats as unknown as Map<string, Entry>).get(s.codecId)) : undefined, at: performance.now() };
          }
        });
      }
      if (!best) throw new Error('no inbound audio');
      return best;
    };
    const first = await sample();
    await new Promise((r) => setTimeout(r, windowMs));
    const second = await sample();
    const bytes = (second.entry.bytesReceived ?? 0) - (first.entry.bytesReceived ?? 0);
    return {
      mimeType: second.codec?.mimeType ?? '',
      channels: second.codec?.channels ?? 0,
      sdpFmtpLine: second.codec?.sdpFmtpLine ?? '',
      bytesReceived: second.entry.bytesReceived ?? 0,
      kbps: (bytes * 8) / (second.at - first.at),
    };
  }, windowMs);
}
