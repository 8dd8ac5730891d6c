import {
  applyCommand,
  clampEffect,
  PARTY,
  withReaction,
  type ChatMessage,
  type ChatReactions,
  type ControlLock,
  type IceServer,
  type LinkRung,
  type JoinResult,
  type MeshMessage,
  type PartyCommand,
  type PartyPresence,
  type PlayableVideo,
  type PlaybackState,
  type QueueItem,
  type QueueOp,
  type Reaction,
} from '@roomcast/shared';
import type { ApiError } from '../api/errors';
import { browserConnectionDeps, browserMicDeps } from '../room/browser-deps';
import type { ConnectionDeps } from '../room/connection';
import type { MicDeps } from '../room/mic-part';
import type { JoinSession } from '../room/join-session';
import { initialConnection } from '../room/membership';
import { RoomUse } from '../room/room-use';
import { initialLinks } from '../room/transports';
import type { ConnectionState, LinkState, RoomPart } from '../room/types';
import { PartyClock } from './clock';
import { PartyMesh, type MeshEvents, type MeshLink } from './mesh';
import { initialVoice, PartyVoice, type PartyVoiceState } from './party-voice';
import { PlayerSync, type SyncStats } from './player-sync';

export interface PartyView {
  video: PlayableVideo;
  state: PlaybackState;
  presence: PartyPresence;
  queue: QueueItem[];
  chat: ChatMessage[];
  meshId: string;
}

export interface PartyState {
  party: PartyView | null;
  /** Each other member's link, by mesh id, and the rung an open one took. */
  links: Record<string, MeshLink>;
  meshRungs: Record<string, LinkRung>;
  /** Each other member's own sync error (ms) as it last told us over the mesh, by mesh id. */
  memberDrift: Record<string, number | null>;
  clockRttMs: number | null;
}

export type PartySnapshot = ConnectionState & LinkState & PartyState & PartyVoiceState;

export type PartyAction = { action: 'play' } | { action: 'pause' } | { action: 'seek'; position: number } | { action: 'rate'; rate: number };

/** What the room needs of its mesh (the PeerJS one in a browser, a fake in unit tests). */
export type Mesh = Pick<PartyMesh, 'setMembers' | 'broadcast' | 'cutLinks' | 'sendVoice' | 'close'>;
export type MeshFactory = (selfId: string, iceServers: IceServer[], events: MeshEvents) => Mesh;
const peerMesh: MeshFactory = (selfId, iceServers, events) => new PartyMesh(selfId, iceServers, events);

/** Message ids remembered for de-duplication (mesh and server copies arrive within seconds). */
const SEEN_IDS = 1_000;

const newId = (): string => crypto.randomUUID().replaceAll('-', '').slice(0, 20);

/**
 * A watch party from the page's side: the room connection, the party's state from the server,
 * the PeerJS mesh for fast copies of commands and chat, the clock, and the player kept on it.
 * The server's word always wins: a mesh command is applied early only from a member allowed to
 * control and only onto the state it was made from; the server's copy then confirms or replaces.
 */
export class PartyRoom extends RoomUse<PartySnapshot> {
  readonly clock: PartyClock;
  private mesh: Mesh | null = null;
  private player: PlayerSync | null = null;
  /** The last state the server itself sent: what a refused command falls back to. */
  private serverState: PlaybackState | null = null;
  private readonly seen = new Set<string>();
  private resync: ReturnType<typeof setInterval> | null = null;
  /** What this member last told the server of its peer links (failed links put voice on the SFU). */
  private meshFailed = false;
  /** A presence push that came before the party part of this membership ran. */
  private pendingPresence: PartyPresence | null = null;
  /** Talking: peer to peer while the party is small, through the SFU past that (the server decides). */
  readonly voice: PartyVoice;

  constructor(
    roomId: string,
    pin: string | undefined,
    deps: ConnectionDeps & MicDeps = { ...browserConnectionDeps, ...browserMicDeps, earlyJoin: undefined },
    private readonly meshFactory: MeshFactory = peerMesh,
  ) {
    const initial = { ...initialConnection(), ...initialLinks(), ...initialVoice(), party: null, links: {}, meshRungs: {}, memberDrift: {}, clockRttMs: null };
    super(roomId, initial, deps, {
      // SFU voice (a larger party) consumes on a receive transport made with the device's capabilities.
      consume: true,
      joinExtras: () => (pin ? { pin } : {}),
      // PIN refusals and lockouts are the person's to act on: show the server's words, no retries.
      joinRefusal: (error: ApiError) => (/PIN/.test(error.message) ? error.message : undefined),
    });
    this.clock = new PartyClock(() => this.connection.request('party:time', {}));
    this.voice = new PartyVoice(this.connection, this.store, deps);
    const part: RoomPart = {
      join: (session, joined) => this.joined(session, joined),
      reset: () => {
        // A new membership starts with working links, as far as the server knows.
        this.meshFailed = false;
        this.voice.reset();
        this.dropMesh();
      },
      close: () => {
        this.voice.close();
        this.dropMesh();
      },
    };
    this.connection.use(part);
    this.connection.on('party:state', (state) => this.accept(state, true));
    this.connection.on('party:presence', (presence) => this.setPresence(presence));
    this.connection.on('party:chat', (message) => this.addChat(message));
    this.connection.on('party:chatDeleted', ({ id }) => {
      this.remember(id);
      const party = this.store.get().party;
      if (party) this.patchParty({ chat: party.chat.filter((m) => m.id !== id) });
    });
    this.connection.on('party:reactions', ({ id, reactions }) => this.setReactions(id, reactions));
    this.connection.on('party:queue', ({ queue }) => this.patchParty({ queue }));
    this.connection.on('party:video', ({ video, state, queue }) => {
      this.patchParty({ video, queue });
      this.accept(state, true, true);
    });
  }

  /** The page's <video>: kept on the party clock from now on. */
  attachVideo(video: HTMLVideoElement | null): void {
    this.player?.close();
    const stall = (buffering: boolean) => void this.connection.request('party:buffering', { buffering }).catch(() => undefined);
    this.player = video ? new PlayerSync(video, () => this.clock.serverNow(), stall) : null;
    const party = this.store.get().party;
    if (this.player && party) this.player.setState(party.state, party.video.durationMs / 1000);
  }

  /** The page's video reloaded (another quality): back to the party's position, not 0. */
  resyncPlayer(): void {
    this.player?.resync();
  }

  syncStats(): SyncStats | null {
    return this.player?.stats ?? null;
  }

  mayControl(): boolean {
    const { party, self } = this.store.get();
    return !!party && !!self && (party.presence.controls === 'everyone' || party.presence.hostPeerId === self.peerId);
  }

  /** Play, pause, seek or rate: applied here at once, told to the mesh and the server. */
  async command(action: PartyAction): Promise<void> {
    const party = this.store.get().party;
    if (!party) return;
    const command = { id: newId(), effectAt: Math.round(this.clock.serverNow()) + PARTY.commandLeadMs, ...action } as PartyCommand;
    this.remember(command.id);
    this.accept(applyCommand(party.state, command), false);
    this.mesh?.broadcast({ type: 'command', command, seq: party.state.seq });
    try {
      const { state } = await this.connection.request('party:command', command);
      this.accept(state, true);
    } catch (error) {
      if (this.serverState) this.accept(this.serverState, true, true);
      this.connection.notify(`Not done: ${(error as Error).message}`);
    }
  }

  async chat(text: string): Promise<void> {
    const id = newId();
    this.remember(id);
    this.mesh?.broadcast({ type: 'chat', id, text, at: Math.round(this.clock.serverNow()) });
    try {
      const { message } = await this.connection.request('party:chat', { id, text });
      this.addChat(message);
    } catch (error) {
      this.connection.notify(`Message not sent: ${(error as Error).message}`);
    }
  }

  /** Adds this person's reaction to a message, or takes it back if it is there: at once here, over the mesh and through the server. */
  async react(id: string, emoji: Reaction): Promise<void> {
    const { party, self } = this.store.get();
    const message = party?.chat.find((m) => m.id === id);
    if (!message || !self) return;
    const on = !(message.reactions?.[emoji] ?? []).includes(self.userId);
    this.setReactions(id, withReaction(message.reactions, emoji, self.userId, on));
    this.mesh?.broadcast({ type: 'react', id, emoji, on });
    try {
      const { reactions } = await this.connection.request('party:react', { id, emoji, on });
      this.setReactions(id, reactions);
    } catch (error) {
      this.connection.notify(`Reaction not sent: ${(error as Error).message}`);
    }
  }

  /** Queue edits (controllers): add, remove, move, or play the next one now. */
  async queue(op: QueueOp): Promise<void> {
    try {
      const { queue } = await this.connection.request('party:queue', op);
      this.patchParty({ queue });
    } catch (error) {
      this.connection.notify(`Queue: ${(error as Error).message}`);
    }
  }

  /** The host deletes a message for everyone. */
  async deleteChat(id: string): Promise<void> {
    await this.connection.request('party:deleteChat', { id }).catch((e: Error) => this.connection.notify(e.message));
  }

  async handOver(peerId: string): Promise<void> {
    await this.connection.request('party:handover', { peerId }).catch((e: Error) => this.connection.notify(e.message));
  }

  async setControls(controls: ControlLock): Promise<void> {
    await this.connection.request('party:controls', { controls }).catch((e: Error) => this.connection.notify(e.message));
  }

  /** Cuts the data channels (the network failed them, or a test): all goes through the server. */
  cutMesh(): void {
    this.mesh?.cutLinks();
  }

  override close(): void {
    this.player?.close();
    this.player = null;
    if (this.resync) clearInterval(this.resync);
    super.close();
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Bounded: the oldest ids go first (a Set keeps insertion order). */
  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.values().next().value!);
  }

  private async joined(session: JoinSession, joined: JoinResult): Promise<void> {
    const snap = joined.party;
    if (!snap) throw new Error('this room is not a watch party');
    this.clock.seed(snap.serverTime);
    this.serverState = snap.state;
    this.store.update({
      party: { video: snap.video, state: snap.state, presence: snap.presence, queue: snap.queue, chat: snap.chat, meshId: snap.meshId },
    });
    this.player?.setState(snap.state, snap.video.durationMs / 1000);
    const mesh = this.meshFactory(snap.meshId, snap.iceServers ?? [], {
      message: (from, message) => this.onMesh(from, message),
      links: (links, meshRungs) => {
        // What a member said over a link that is gone goes stale: forget it.
        const memberDrift = Object.fromEntries(Object.entries(this.store.get().memberDrift).filter(([id]) => links[id] === 'direct'));
        this.store.update({ links, meshRungs, memberDrift });
        this.reportMesh(Object.values(links).includes('server'));
      },
      audio: (meshAudio) => this.store.update({ meshAudio }),
    });
    this.mesh = mesh;
    // Every 2 s the others learn how far this player is from the clock (their presence list shows it).
    const status = setInterval(() => mesh.broadcast({ type: 'status', driftMs: this.player?.stats.driftMs ?? null }), 2_000);
    session.onClose(() => {
      clearInterval(status);
      mesh.close();
    });
    mesh.setMembers(snap.presence.members);
    this.voice.start(session, joined, mesh);
    const pushed = this.pendingPresence;
    this.pendingPresence = null;
    if (pushed && pushed.rev > snap.presence.rev) this.setPresence(pushed);
    // The clock first, then the state again on the better clock; repeated now and then.
    await session.guard(this.clock.sync());
    this.store.update({ clockRttMs: this.clock.rttMs });
    const party = this.store.get().party;
    if (party) this.player?.setState(party.state, party.video.durationMs / 1000);
    this.resync ??= setInterval(() => void this.clock.sync(2).catch(() => undefined), 15_000);
  }

  /** Tells the server when this member's peer links fail or all work again: voice then moves for everyone. */
  private reportMesh(failed: boolean): void {
    if (failed === this.meshFailed) return;
    this.meshFailed = failed;
    this.connection.request('party:meshFailed', { failed }, { retry: true }).catch(() => undefined);
  }

  private dropMesh(): void {
    this.mesh?.close();
    this.mesh = null;
    this.pendingPresence = null;
    this.store.update({ links: {}, meshRungs: {}, memberDrift: {} });
  }

  private patchParty(patch: Partial<PartyView>): void {
    const party = this.store.get().party;
    if (party) this.store.update({ party: { ...party, ...patch } });
  }

  private setPresence(presence: PartyPresence): void {
    // Pushed before this membership's party part has run (the join's answer was on its way, or
    // a push of the membership before a rejoin is late): kept, and applied after the snapshot
    // if it is the newer list.
    if (!this.mesh) {
      if (!this.pendingPresence || presence.rev > this.pendingPresence.rev) this.pendingPresence = presence;
      return;
    }
    const current = this.store.get().party?.presence;
    if (current && presence.rev <= current.rev) return;
    this.patchParty({ presence });
    this.mesh?.setMembers(presence.members);
    this.voice.setMode(presence.voice);
  }

  /**
   * A newer state: taken, and handed to the player (which waits for its effect time). A
   * server state replaces a mesh one of the same seq; a mesh state never replaces the server's.
   */
  private accept(state: PlaybackState, fromServer: boolean, force = false): void {
    const party = this.store.get().party;
    if (!party) return;
    if (fromServer && (!this.serverState || state.seq >= this.serverState.seq || force)) this.serverState = state;
    const current = party.state;
    if (!force) {
      if (state.videoId !== current.videoId || state.seq < current.seq) return;
      // The same state again; a server copy that differs (it bounded the command otherwise) still wins.
      if (state.seq === current.seq && (!fromServer || sameState(state, current))) return;
    }
    this.patchParty({ state });
    this.player?.setState(state, party.video.durationMs / 1000);
  }

  private addChat(message: ChatMessage): void {
    const party = this.store.get().party;
    if (!party || party.chat.some((m) => m.id === message.id)) return;
    this.patchParty({ chat: [...party.chat, message].slice(-PARTY.chatTail) });
  }

  private setReactions(id: string, reactions: ChatReactions): void {
    const party = this.store.get().party;
    if (party?.chat.some((m) => m.id === id)) this.patchParty({ chat: party.chat.map((m) => (m.id === id ? { ...m, reactions } : m)) });
  }

  /** A mesh message: only from a member on the server's list; commands only from controllers. */
  private onMesh(fromMeshId: string, message: MeshMessage): void {
    const party = this.store.get().party;
    const member = party?.presence.members.find((m) => m.meshId === fromMeshId);
    if (!party || !member) return;
    if (message.type === 'status') {
      this.store.update({ memberDrift: { ...this.store.get().memberDrift, [fromMeshId]: message.driftMs } });
    } else if (message.type === 'chat') {
      if (this.seen.has(message.id)) return;
      this.remember(message.id);
      this.addChat({ id: message.id, peerId: member.peerId, displayName: member.displayName, text: message.text, at: message.at });
    } else if (message.type === 'react') {
      // The early copy; the server's `party:reactions` then says what counts.
      const target = party.chat.find((m) => m.id === message.id);
      if (target) this.setReactions(message.id, withReaction(target.reactions, message.emoji, member.userId, message.on));
    } else if (message.type === 'command') {
      const { presence, state } = party;
      const allowed = presence.controls === 'everyone' || presence.hostPeerId === member.peerId;
      if (!allowed || this.seen.has(message.command.id) || message.seq !== state.seq) return;
      this.remember(message.command.id);
      // The server's bounds, so the early copy lands where the server's will.
      const bounded = { ...message.command, effectAt: clampEffect(message.command.effectAt, Math.round(this.clock.serverNow())) };
      const command = bounded.action === 'seek' ? { ...bounded, position: Math.min(bounded.position, party.video.durationMs / 1000) } : bounded;
      this.accept(applyCommand(state, command), false);
    }
  }
}

const sameState = (a: PlaybackState, b: PlaybackState): boolean =>
  a.commandId === b.commandId && a.at === b.at && a.position === b.position && a.rate === b.rate && a.paused === b.paused && a.videoId === b.videoId && (a.waitingFor ?? []).join() === (b.waitingFor ?? []).join();
