import type { Page } from 'playwright-core';

/**
 * Where the studio's audio can be tapped on its way out, so the bench prints each stage's share
 * of the mouth-to-ear time from the same bursts:
 *   __stageTap      the bursts' own context → a MediaStream → the detector (the tap's own cost)
 *   __stageCapture  the tab capture track getDisplayMedia returned (capture)
 *   __stageSent     the track the app hands its RTCPeerConnection (capture + the studio's mix)
 *   __stageLoop     __stageSent through a second, local RTCPeerConnection with the app's
 *                   negotiated Opus parameters (+ encode, jitter buffer, decode; no SFU)
 */

/** Before the studio app loads: remembers the captured and the sent tracks (clones: the app may stop its own). */
export async function hookStudio(page: Page): Promise<void> {
  await page.addInitScript('window.__name = (f) => f'); // tsx's name helper, used by the script below
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    const keep = (name: string, track: MediaStreamTrack | null | undefined) => {
      if (track?.kind === 'audio') w[name] = new MediaStream([track.clone()]);
    };
    const devices = navigator.mediaDevices;
    const display = devices.getDisplayMedia.bind(devices);
    devices.getDisplayMedia = async (options) => {
      const stream = await display(options);
      keep('__stageCapture', stream.getAudioTracks()[0]);
      return stream;
    };
    const addTransceiver = RTCPeerConnection.prototype.addTransceiver;
    RTCPeerConnection.prototype.addTransceiver = function (this: RTCPeerConnection, what, init) {
      if (typeof what !== 'string') keep('__stageSent', what);
      return addTransceiver.call(this, what, init);
    };
    const replaceTrack = RTCRtpSender.prototype.replaceTrack;
    RTCRtpSender.prototype.replaceTrack = function (this: RTCRtpSender, track) {
      keep('__stageSent', track);
      return replaceTrack.call(this, track);
    };
  });
}

/**
 * The sent track through a local RTCPeerConnection pair in the studio page, negotiated with the
 * app's own Opus fmtp (read from its live connection): WebRTC's share without the SFU. Resolves
 * with that fmtp, for the report.
 */
export async function startLoopback(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const w = window as unknown as { __pcs?: RTCPeerConnection[]; __stageSent?: MediaStream; __stageLoop?: MediaStream };
    const app = (w.__pcs ?? []).find((pc) => pc.remoteDescription?.sdp.includes('opus/48000/2') && pc.getSenders().some((s) => s.track));
    const remote = app?.remoteDescription?.sdp ?? '';
    const pt = remote.match(/a=rtpmap:(\d+) opus\/48000\/2/)?.[1];
    const fmtp = remote.match(new RegExp(`a=fmtp:${pt} (.*)\r\n`))?.[1];
    // Chromium keeps a ptime fmtp parameter as an a=ptime line.
    const ptime = remote.match(/a=ptime:(\d+)/)?.[1];
    if (!w.__stageSent || !fmtp) throw new Error(`the studio sends nothing yet (sent track: ${Boolean(w.__stageSent)}, opus fmtp: ${fmtp})`);
    const [a, b] = [new RTCPeerConnection(), new RTCPeerConnection()];
    w.__pcs?.splice(w.__pcs.indexOf(a) >>> 0, 1); // not the app's: keep the stats readers off it
    w.__pcs?.splice(w.__pcs.indexOf(b) >>> 0, 1);
    a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
    const arrived = new Promise<MediaStreamTrack>((resolve) => (b.ontrack = (e) => resolve(e.track)));
    a.addTrack(w.__stageSent.getAudioTracks()[0]!.clone());
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    // The sender's encoder follows the answer's fmtp: give it the app's.
    const sdp = b.localDescription!.sdp.replace(/(a=rtpmap:(\d+) opus\/48000\/2\r\n)(a=fmtp:\2 .*\r\n)?/, (_m, rtpmap: string, pt: string) => `${rtpmap}a=fmtp:${pt} ${fmtp}${ptime ? `;ptime=${ptime}` : ''}\r\n`);
    await a.setRemoteDescription({ type: 'answer', sdp });
    const track = await arrived;
    const stream = new MediaStream([track]);
    // Remote WebRTC audio is silent to Web Audio unless an element plays it too.
    const el = new Audio();
    el.muted = true;
    el.srcObject = stream;
    await el.play();
    (window as unknown as { __loopPcs: RTCPeerConnection[] }).__loopPcs = [a, b];
    w.__stageLoop = stream;
    return `${fmtp}${ptime ? `, a=ptime:${ptime}` : ''}`;
  });
}

/** Jitter buffer figures of a page's received audio (app connections, or the bench's loopback). */
export interface JitterSample {
  /** Interarrival jitter (RFC 3550) now, in seconds. */
  arrival: number;
  delay: number;
  emitted: number;
  target: number;
  minimum: number;
}

export async function jitterSample(page: Page, which: '__pcs' | '__loopPcs'): Promise<JitterSample> {
  return page.evaluate(async (which) => {
    const pcs = ((window as unknown as Record<string, RTCPeerConnection[] | undefined>)[which] ?? []).filter((pc) => pc.connectionState !== 'closed');
    const sum = { arrival: 0, delay: 0, emitted: 0, target: 0, minimum: 0 };
    for (const pc of pcs) {
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s['type'] !== 'inbound-rtp' || s['kind'] !== 'audio') return;
        sum.arrival += Number(s['jitter'] ?? 0);
        sum.delay += Number(s['jitterBufferDelay'] ?? 0);
        sum.emitted += Number(s['jitterBufferEmittedCount'] ?? 0);
        sum.target += Number(s['jitterBufferTargetDelay'] ?? 0);
        sum.minimum += Number(s['jitterBufferMinimumDelay'] ?? 0);
      });
    }
    return sum;
  }, which);
}

export interface JitterFigures {
  delayMs: number;
  targetMs: number;
  minimumMs: number;
  /** Packet interarrival jitter at the end (what the jitter buffer has to absorb). */
  arrivalMs: number;
}

/** Mean jitter buffer delay and target (ms) between two samples. */
export function jitterBetween(before: JitterSample, after: JitterSample): JitterFigures {
  const n = after.emitted - before.emitted;
  const per = (key: 'delay' | 'target' | 'minimum') => (n > 0 ? ((after[key] - before[key]) / n) * 1000 : NaN);
  return { delayMs: per('delay'), targetMs: per('target'), minimumMs: per('minimum'), arrivalMs: after.arrival * 1000 };
}

/**
 * This page's wall clock against this process's: the median of (page time − the midpoint of
 * the round trip) over a few reads. Every mark is wall-clock time, so a skew would be latency.
 */
export async function clockSkew(page: Page): Promise<number> {
  const skews: number[] = [];
  for (let i = 0; i < 7; i++) {
    const before = performance.timeOrigin + performance.now();
    const there = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = performance.timeOrigin + performance.now();
    skews.push(there - (before + after) / 2);
  }
  return skews.sort((a, b) => a - b)[3]!;
}
