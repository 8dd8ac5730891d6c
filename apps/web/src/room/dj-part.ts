import { parseChatWire, type BroadcastView, type ChatMessageView, type DjCounts } from '@roomcast/shared';
import { toApiError } from '../api/errors';
import type { DataPart } from './data-part';
import type { JoinSession } from './join-session';
import type { StateHost } from './state';
import type { RoomContext, RoomPart } from './types';

/** Chat lines a page keeps; older ones scroll away. */
const CHAT_KEPT = 200;

export interface DjSlice {
  /** The broadcast on air, or null. */
  live: BroadcastView | null;
  counts: DjCounts;
  chat: ChatMessageView[];
  /** The studio's music bitrate from the server's configuration. */
  bitrateKbps: number;
  /** Whether the live state has been read in this visit (before that, "offline" is not known). */
  known: boolean;
}

export const initialDj = (): DjSlice => ({ live: null, counts: { listeners: 0, peak: 0, likes: 0 }, chat: [], bitrateKbps: 128, known: false });

/**
 * A DJ room's live side, for the studio and every listener: the live state read on each join
 * and then followed by pushes (`dj:live`, aggregated `dj:counts`), and the chat, which arrives
 * on the room's server-owned data channel (consumed through `data`). Sending chat and likes
 * are requests: the server checks and limits them before anyone sees them.
 */
export class DjPart implements RoomPart {
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ctx: RoomContext,
    private readonly store: StateHost<DjSlice>,
    private readonly data: DataPart,
  ) {
    ctx.on('dj:live', ({ live }) => store.update({ live, ...(live && live.id !== store.get().live?.id ? { chat: [] } : {}) }));
    ctx.on('dj:counts', (counts) => store.update({ counts }));
  }

  async join(session: JoinSession): Promise<void> {
    const state = await session.guard(this.ctx.request('dj:state', {}, { retry: true }));
    this.store.update({ live: state.live, counts: state.counts, chat: state.recentChat, bitrateKbps: state.audio.bitrateKbps, known: true });
    // The chat channel's id changes when the room's router is rebuilt: follow it on every join.
    this.unsubscribe?.();
    this.unsubscribe = this.data.subscribe(state.chatDataProducerId, (message) => this.onChat(message));
  }

  reset(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  close(): void {
    this.reset();
  }

  /** Sends a chat line; resolves with an error message to show, or null once the server took it. */
  async sendChat(text: string): Promise<string | null> {
    try {
      await this.ctx.request('dj:chat', { text });
      return null;
    } catch (error) {
      return toApiError(error).message;
    }
  }


  async like(): Promise<string | null> {
    try {
      const { likes } = await this.ctx.request('dj:like', {});
      this.store.update({ counts: { ...this.store.get().counts, likes: Math.max(likes, this.store.get().counts.likes) } });
      return null;
    } catch (error) {
      return toApiError(error).message;
    }
  }

  /** The studio's moderation: the message disappears for everyone through the chat channel. */
  async deleteChat(messageId: string): Promise<string | null> {
    return this.attempt(() => this.ctx.request('dj:deleteChat', { messageId }));
  }

  async banChat(userId: string): Promise<string | null> {
    return this.attempt(() => this.ctx.request('dj:banChat', { userId }));
  }

  private async attempt(run: () => Promise<unknown>): Promise<string | null> {
    try {
      await run();
      return null;
    } catch (error) {
      const message = toApiError(error).message;
      this.ctx.notify(message);
      return message;
    }
  }

  /** Data-channel messages are checked like any other input: a bad one is dropped. */
  private onChat(raw: unknown): void {
    const wire = parseChatWire(raw);
    if (!wire) return;
    const chat = this.store.get().chat;
    if (wire.type === 'delete') {
      const id = wire.id;
      this.store.update({ chat: chat.filter((m) => m.id !== id) });
    } else if (!chat.some((m) => m.id === wire.message.id)) {
      this.store.update({ chat: [...chat, wire.message].slice(-CHAT_KEPT) });
    }
  }
}
