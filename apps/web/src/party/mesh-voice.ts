import type { MediaConnection, Peer } from 'peerjs';
import { EarlyArrivals } from './early-arrivals';

/** Calls of one pair before it is left silent (the other may have been slow to get its microphone). */
const MAX_CALLS = 3;
const RECALL_MS = 1_000;

/**
 * A small party's voice: one PeerJS media call per pair of members, beside the data channel,
 * on the same Peer (so the same ICE servers and short-lived TURN credentials). As with data
 * links, the smaller mesh id calls. Only members on the server's list are called or answered
 * (a call from someone the list does not have yet is held a moment);
 * a call that comes before our microphone is ready is answered once it is. `send(null)`
 * hangs up every call (voice moved to the SFU).
 */
export class MeshVoice {
  private stream: MediaStream | null = null;
  private members = new Set<string>();
  private readonly calls = new Map<string, MediaConnection>();
  private readonly waiting = new Map<string, MediaConnection>();
  private readonly attempts = new Map<string, number>();
  private readonly remote: Record<string, MediaStream> = {};
  private readonly early = new EarlyArrivals<MediaConnection>((call) => this.received(call));
  private closed = false;

  constructor(
    private readonly peer: Peer,
    private readonly selfId: string,
    private readonly ready: () => boolean,
    /** Each member's voice as it arrives or ends, by mesh id. */
    private readonly onAudio: (streams: Record<string, MediaStream>) => void,
  ) {
    peer.on('call', (call) => {
      if (this.closed) return call.close();
      if (!this.members.has(call.peer)) return this.early.hold(call);
      this.received(call);
    });
  }

  private received(call: MediaConnection): void {
    if (this.stream) this.answer(call);
    else {
      this.waiting.get(call.peer)?.close();
      this.waiting.set(call.peer, call);
    }
  }

  /** Starts (a capture) or stops (null) talking to every member over the mesh. */
  send(stream: MediaStream | null): void {
    if (this.closed || stream === this.stream) return;
    this.stream = stream;
    if (!stream) {
      for (const id of [...this.calls.keys(), ...this.waiting.keys()]) this.hangUp(id);
      this.attempts.clear();
      return;
    }
    for (const [id, call] of [...this.waiting]) {
      this.waiting.delete(id);
      this.answer(call);
    }
    this.callAll();
  }

  /** The server's member list changed. */
  setMembers(ids: Iterable<string>): void {
    this.members = new Set(ids);
    for (const id of [...this.calls.keys(), ...this.waiting.keys()]) if (!this.members.has(id)) this.hangUp(id);
    this.early.membersChanged(this.members);
    this.callAll();
  }

  /** Our Peer registered: calls may go out now. */
  opened(): void {
    this.callAll();
  }

  close(): void {
    if (this.closed) return;
    this.send(null);
    this.early.close();
    this.closed = true;
  }

  private callAll(): void {
    if (!this.stream || !this.ready()) return;
    for (const id of this.members) if (this.selfId < id && !this.calls.has(id)) this.call(id);
  }

  private call(id: string): void {
    this.attempts.set(id, (this.attempts.get(id) ?? 0) + 1);
    this.adopt(id, this.peer.call(id, this.stream!));
  }

  private answer(call: MediaConnection): void {
    this.adopt(call.peer, call);
    call.answer(this.stream!);
  }

  private adopt(id: string, call: MediaConnection): void {
    this.calls.get(id)?.close();
    this.calls.set(id, call);
    call.on('stream', (remote) => {
      if (this.calls.get(id) !== call) return;
      this.remote[id] = remote;
      this.onAudio({ ...this.remote });
    });
    const ended = () => {
      if (this.calls.get(id) !== call) return;
      this.forget(id);
      // The calling side tries again a few times while both still talk over the mesh.
      if (this.stream && this.members.has(id) && this.selfId < id && (this.attempts.get(id) ?? 0) < MAX_CALLS) {
        setTimeout(() => !this.closed && this.stream && this.members.has(id) && !this.calls.has(id) && this.call(id), RECALL_MS);
      }
    };
    call.on('close', ended);
    call.on('error', ended);
    call.on('iceStateChanged', (state) => state === 'failed' && ended());
  }

  private hangUp(id: string): void {
    const call = this.calls.get(id) ?? this.waiting.get(id);
    this.waiting.delete(id);
    this.forget(id);
    call?.close();
  }

  private forget(id: string): void {
    this.calls.delete(id);
    if (!this.remote[id]) return;
    delete this.remote[id];
    this.onAudio({ ...this.remote });
  }
}
