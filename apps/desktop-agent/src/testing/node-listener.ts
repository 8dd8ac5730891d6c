import nodeDataChannel from 'node-datachannel';
import { io, type Socket } from 'socket.io-client';
import { libraryEvents, LibraryClient, libraryRung, PROTOCOL_VERSION, type LibraryRung } from '@roomcast/shared';
import { toDataChannelIce } from '../ice.js';

export interface NodeListener {
  client: LibraryClient;
  sessionId: string;
  socket: Socket;
  /** The rung the listener's bytes arrive on. */
  rung(): LibraryRung;
  /** libdatachannel's selected candidate pair (null on the server relay). */
  pair(): unknown;
  /** Resolves with the reason when the server ends the session (revoked, agent gone). */
  closed: Promise<string>;
  close(): void;
}

/**
 * A listener in Node, standing in for the browser: opens a session through `/library` and
 * talks to the agent over a node-datachannel data channel (it offers, as the browser does) or
 * over the server relay.
 */
export async function connectListener(base: string, cookie: string, agentId: string, opts: Parameters<typeof connectOnce>[3] = {}): Promise<NodeListener> {
  try {
    return await connectOnce(base, cookie, agentId, opts);
  } catch (error) {
    // Known problem: two libdatachannel peers in one process on a CPU-starved machine sometimes
    // fail their handshake (state failed, ICE closed). A listener would open a new session
    // (the browser falls back to the relay); the test does once, loudly, so it stays visible.
    if (opts.relay || !(error instanceof Error) || !error.message.startsWith('the data channel did not open')) throw error;
    console.warn(`[node-listener] ${error.message}; opening a second session`);
    return connectOnce(base, cookie, agentId, opts);
  }
}

async function connectOnce(base: string, cookie: string, agentId: string, opts: { relay?: boolean; timeoutMs?: number; /** TURN only (iceTransportPolicy 'relay'), to measure the relay where direct works. */ relayOnly?: boolean; /** Gather candidates on this address only. */ bindAddress?: string } = {}): Promise<NodeListener> {
  const socket = io(`${base}/library`, { transports: ['websocket'], auth: { protocolVersion: PROTOCOL_VERSION }, extraHeaders: { cookie }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const opened = await socket.timeout(10_000).emitWithAck('library:open', { agentId, relay: opts.relay ?? false });
  if (!opened.ok) {
    socket.close();
    throw Object.assign(new Error(opened.error.message), { code: opened.error.code });
  }
  const sessionId: string = opened.data.sessionId;
  let onClosed = (_reason: string) => {};
  const closed = new Promise<string>((resolve) =>
    socket.on('library:closed', (p: { sessionId: string; reason: string }) => {
      if (p.sessionId !== sessionId) return;
      onClosed(p.reason);
      resolve(p.reason);
    }),
  );

  if (opts.relay) {
    const client = new LibraryClient((data) => socket.emit('library:relay', { sessionId, data }, () => {}));
    // A session the server ended fails what is pending, instead of leaving it waiting.
    onClosed = (reason) => client.detach(reason);
    socket.on('library:relay', (frame: unknown, ack: (r: unknown) => void) => {
      const parsed = libraryEvents['library:relay'].safeParse(frame);
      if (parsed.success && parsed.data.sessionId === sessionId) client.receive(parsed.data.data as string | Uint8Array);
      ack({ ok: true, data: {} });
    });
    return { client, sessionId, socket, rung: () => 'server', pair: () => null, closed, close: () => socket.close() };
  }

  const pc = new nodeDataChannel.PeerConnection('listener', { iceServers: toDataChannelIce(opened.data.iceServers), ...(opts.relayOnly ? { iceTransportPolicy: 'relay' as const } : {}), ...(opts.bindAddress ? { bindAddress: opts.bindAddress } : {}) });
  const signal = (s: unknown) => socket.emit('library:signal', { sessionId, signal: s }, () => {});
  // relayOnly: libjuice was seen to pair host candidates despite the 'relay' policy, so every
  // candidate but a TURN one is dropped, both ways (and from the SDPs): the only path left goes
  // through coturn, whose permissions admit only the relayed addresses.
  const keep = (candidate: string) => !opts.relayOnly || / typ relay( |$)/.test(candidate);
  const onlyRelay = (sdp: string) => (opts.relayOnly ? sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate:') || keep(l)).join('\r\n') : sdp);
  // libdatachannel may report a candidate before its offer: hold candidates until the offer went.
  let described = false;
  const held: unknown[] = [];
  pc.onLocalDescription((sdp, type) => {
    signal({ type, sdp: onlyRelay(sdp) });
    described = true;
    for (const c of held.splice(0)) signal(c);
  });
  pc.onLocalCandidate((candidate, mid) => {
    if (!keep(candidate)) return;
    const c = { type: 'candidate', candidate: candidate.replace(/^a=/, ''), mid };
    if (described) signal(c);
    else held.push(c);
  });
  // Candidates that arrive before the answer wait for it.
  let answered = false;
  const early: { candidate: string; mid: string }[] = [];
  socket.on('library:signal', (payload: { sessionId: string; signal: { type: string; sdp?: string; candidate?: string; mid?: string } }) => {
    if (payload.sessionId !== sessionId) return;
    const s = payload.signal;
    try {
      if (s.type === 'answer') {
        pc.setRemoteDescription(onlyRelay(s.sdp!), 'answer');
        answered = true;
        for (const c of early.splice(0)) pc.addRemoteCandidate(c.candidate, c.mid);
      } else if (s.type === 'candidate' && s.candidate && keep(s.candidate)) {
        if (answered) pc.addRemoteCandidate(s.candidate, s.mid!);
        else early.push({ candidate: s.candidate, mid: s.mid! });
      }
    } catch {
      // A late candidate for a connection that already failed and closed (a second session is being opened).
    }
  });
  const states: string[] = [];
  pc.onStateChange((state) => states.push(state));
  const channel = pc.createDataChannel('library');
  // Attached with acks once open (the agent's window); nothing is sent before.
  const client = new LibraryClient(() => {
    throw new Error('the data channel is not open yet');
  });
  onClosed = (reason) => client.detach(reason);
  channel.onMessage((message) => client.receive(typeof message === 'string' ? message : new Uint8Array(message as ArrayBuffer)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the data channel did not open (peer ${pc.state()}, ice ${pc.iceState()}, gathering ${pc.gatheringState()}, signaling ${pc.signalingState()}, remote description ${pc.remoteDescription() ? 'set' : 'missing'}; states ${states.join(' → ')})`)),
      opts.timeoutMs ?? 15_000,
    );
    channel.onOpen(() => {
      clearTimeout(timer);
      client.attach((text) => channel.sendMessage(text), { ack: true });
      resolve();
    });
  });
  const rung = (): LibraryRung => {
    const pair = pc.getSelectedCandidatePair();
    return libraryRung(pair?.local.type, pair?.local.transportType?.toLowerCase());
  };
  return {
    client,
    sessionId,
    socket,
    rung,
    pair: () => pc.getSelectedCandidatePair(),
    closed,
    close: () => {
      channel.close();
      pc.close();
      socket.close();
    },
  };
}
