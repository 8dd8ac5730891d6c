import { parseMeshMessage, type IceServer, type LinkRung, type MeshMessage, type PartyMember } from '@roomcast/shared';
import { orderIceServers, rungFromStats } from '../media/connectivity';
import { Peer, type DataConnection } from 'peerjs';
import { EarlyArrivals } from './early-arrivals';
import { MeshVoice } from './mesh-voice';

/**
 * How this member reaches another: `direct` over a PeerJS data channel, `connecting`, or
 * `server` when the link failed (or was cut) and messages go through socket.io instead.
 */
export type MeshLink = 'connecting' | 'direct' | 'server';

export interface MeshEvents {
  message(fromMeshId: string, message: MeshMessage): void;
  /** Each link's state, and for open ones the rung it connected on (direct or through a relay). */
  links(links: Record<string, MeshLink>, rungs: Record<string, LinkRung>): void;
  /** Each member's voice over the mesh (peer-to-peer voice), by mesh id. */
  audio?(streams: Record<string, MediaStream>): void;
}

/** How long one dial may take to open before it counts as failed. */
const OPEN_TIMEOUT_MS = 5_000;
/** Dials of one link before it is left to the server path. */
const MAX_DIALS = 3;
const REDIAL_MS = 1_000;
/**
 * How long a link may be `connecting` before both sides leave it to the server path. Both
 * sides keep the same deadline, so the answering side does not report a failure (and move the
 * party's voice to the SFU) while the dialling side still has dials left.
 */
const LINK_DEADLINE_MS = MAX_DIALS * (OPEN_TIMEOUT_MS + REDIAL_MS);

/**
 * The party's PeerJS mesh: one data channel per pair of members. The member with the smaller
 * mesh id dials, so each pair has one link however the joins interleave. Only members on the
 * server's presence list are dialled or answered; every message is parsed against its schema
 * (size first) before anyone sees it.
 */
export class PartyMesh {
  private readonly peer: Peer;
  private readonly conns = new Map<string, DataConnection>();
  private readonly links: Record<string, MeshLink> = {};
  private readonly rungs: Record<string, LinkRung> = {};
  private members = new Set<string>();
  private cut = false;
  private closed = false;
  /** PeerJS drops what is sent before its own signalling socket opens: dial only after. */
  private ready = false;
  private readonly attempts = new Map<string, number>();
  private readonly deadlines = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly early = new EarlyArrivals<DataConnection>((conn) => this.adopt(conn));
  private readonly voice: MeshVoice;

  constructor(
    private readonly selfId: string,
    iceServers: IceServer[],
    private readonly events: MeshEvents,
  ) {
    const secure = location.protocol === 'https:';
    this.peer = new Peer(selfId, {
      host: location.hostname,
      port: Number(location.port || (secure ? 443 : 80)),
      path: '/peerjs',
      key: 'peerjs',
      secure,
      debug: 0,
      // Never PeerJS's public defaults: only our own TURN (or none, on a LAN).
      config: { iceServers: orderIceServers(iceServers) },
    });
    this.voice = new MeshVoice(this.peer, selfId, () => this.ready, (streams) => !this.closed && events.audio?.(streams));
    this.peer.on('connection', (conn) => {
      if (this.cut) return conn.close();
      if (!this.members.has(conn.peer)) return this.early.hold(conn);
      this.adopt(conn);
    });
    this.peer.on('open', () => {
      this.ready = true;
      for (const id of this.members) if (this.links[id] === 'connecting' && !this.conns.has(id) && this.selfId < id) this.dial(id);
      this.voice.opened();
    });
    this.peer.on('error', (error) => console.debug('[party mesh]', error.type, error.message));
  }

  /** The server's member list changed: dial newcomers we lead, drop those who left. */
  setMembers(members: readonly PartyMember[]): void {
    this.members = new Set(members.map((m) => m.meshId).filter((id) => id !== this.selfId));
    this.voice.setMembers(this.members);
    for (const id of [...this.conns.keys()]) if (!this.members.has(id)) this.drop(id);
    for (const id of Object.keys(this.links)) {
      if (this.members.has(id)) continue;
      delete this.links[id];
      this.clearDeadline(id);
    }
    for (const id of this.members) {
      if (this.links[id]) continue;
      if (this.cut) this.links[id] = 'server';
      else {
        this.connecting(id);
        if (this.ready && this.selfId < id) this.dial(id);
      }
    }
    this.early.membersChanged(this.members);
    this.report();
  }

  /** Sends to every direct link; answers which members it did not reach that way. */
  broadcast(message: MeshMessage): string[] {
    const text = JSON.stringify(message);
    const missed: string[] = [];
    for (const id of this.members) {
      const conn = this.conns.get(id);
      if (conn?.open && this.links[id] === 'direct') conn.send(text);
      else missed.push(id);
    }
    return missed;
  }

  /** Cuts every data channel (a failed network, or a test): everything goes through the server. */
  cutLinks(): void {
    this.cut = true;
    this.early.close();
    for (const id of [...this.deadlines.keys()]) this.clearDeadline(id);
    for (const id of [...this.conns.keys()]) this.drop(id);
    for (const id of this.members) this.links[id] = 'server';
    this.report();
  }

  /** Talks to every member over the mesh with this capture, or stops (null: voice went to the SFU). */
  sendVoice(track: MediaStreamTrack | null): void {
    this.voice.send(track ? new MediaStream([track]) : null);
  }

  close(): void {
    if (this.closed) return;
    this.voice.close();
    this.closed = true;
    this.early.close();
    for (const id of [...this.deadlines.keys()]) this.clearDeadline(id);
    this.peer.destroy();
  }

  private dial(id: string): void {
    this.attempts.set(id, (this.attempts.get(id) ?? 0) + 1);
    this.adopt(this.peer.connect(id, { reliable: true, serialization: 'raw' }));
  }

  private adopt(conn: DataConnection): void {
    const id = conn.peer;
    this.conns.get(id)?.close();
    this.conns.set(id, conn);
    const timer = setTimeout(() => !conn.open && this.fail(id, conn), OPEN_TIMEOUT_MS);
    // Listen from the start: early messages are lost otherwise.
    conn.on('data', (raw) => {
      const message = parseMeshMessage(raw);
      if (message && !this.cut) this.events.message(id, message);
    });
    conn.on('open', () => {
      clearTimeout(timer);
      if (this.conns.get(id) !== conn || this.cut) return;
      this.links[id] = 'direct';
      this.clearDeadline(id);
      // A link that drops later gets its full set of dials again.
      this.attempts.delete(id);
      this.report();
      // Which rung the channel took, from the selected candidate pair.
      void conn.peerConnection?.getStats().then((report) => {
        const rung = rungFromStats(report as unknown as Map<string, Record<string, unknown>>);
        if (rung && this.conns.get(id) === conn) {
          this.rungs[id] = rung;
          this.report();
        }
      }, () => undefined);
    });
    conn.on('iceStateChanged', (state) => (state === 'failed' || state === 'disconnected') && this.fail(id, conn));
    conn.on('close', () => this.fail(id, conn));
    conn.on('error', () => this.fail(id, conn));
  }

  private fail(id: string, conn: DataConnection): void {
    if (this.conns.get(id) !== conn) return;
    this.conns.delete(id);
    delete this.rungs[id];
    conn.close();
    if (!this.members.has(id)) return this.report();
    console.debug('[party mesh]', 'link failed', id, `dial ${this.attempts.get(id) ?? 0}`);
    if (this.cut) this.links[id] = 'server';
    else if (this.selfId > id) {
      // The dialling side will try again: wait for it (until the link's deadline).
      this.connecting(id);
    } else if ((this.attempts.get(id) ?? 0) < MAX_DIALS) {
      // The other may have been slow to register: dial again shortly.
      this.connecting(id);
      setTimeout(() => !this.closed && !this.cut && this.members.has(id) && !this.conns.has(id) && this.dial(id), REDIAL_MS);
    } else this.giveUp(id);
    this.report();
  }

  /** Marks a link as connecting; it is left to the server path if it is not open by its deadline. */
  private connecting(id: string): void {
    this.links[id] = 'connecting';
    if (this.deadlines.has(id)) return;
    this.deadlines.set(id, setTimeout(() => {
      this.deadlines.delete(id);
      if (this.closed || this.links[id] !== 'connecting') return;
      this.giveUp(id);
      this.report();
    }, LINK_DEADLINE_MS));
  }

  private giveUp(id: string): void {
    console.debug('[party mesh]', 'link left to the server', id);
    this.clearDeadline(id);
    this.drop(id);
    this.links[id] = 'server';
  }

  private clearDeadline(id: string): void {
    clearTimeout(this.deadlines.get(id));
    this.deadlines.delete(id);
  }

  private drop(id: string): void {
    const conn = this.conns.get(id);
    this.conns.delete(id);
    conn?.close();
  }

  private report(): void {
    if (!this.closed) this.events.links({ ...this.links }, { ...this.rungs });
  }
}
