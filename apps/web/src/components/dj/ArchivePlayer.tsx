import type { BroadcastView, ChatMessageView } from '@roomcast/shared';
import { useState } from 'react';
import { channelsApi } from '../../api/http';
import { formatElapsed } from './Elapsed';

/**
 * An archive's player with its chat and likes replayed beside the timeline: each message
 * appears when playback passes the moment it was sent, the likes count up as playback passes
 * them, and a strip under the player marks where they fell (seeking back undoes both).
 */
export function ArchivePlayer({ handle, archive }: { handle: string; archive: BroadcastView }) {
  const [messages, setMessages] = useState<ChatMessageView[] | null>(null);
  const [likes, setLikes] = useState<number[] | null>(null);
  const [positionMs, setPositionMs] = useState(0);
  const startedAt = Date.parse(archive.startedAt ?? '') || 0;
  const lengthMs = Math.max(1, (Date.parse(archive.endedAt ?? '') || startedAt) - startedAt);

  function loadReplay() {
    if (messages) return;
    setMessages([]);
    setLikes([]);
    channelsApi.archiveChat(handle, archive.id).then(
      ({ messages }) => setMessages(messages),
      () => setMessages([]),
    );
    channelsApi.archiveLikes(handle, archive.id).then(
      ({ likes }) => setLikes(likes.map((l) => Date.parse(l.at) - startedAt)),
      () => setLikes([]),
    );
  }

  const shown = (messages ?? []).filter((m) => Date.parse(m.at) - startedAt <= positionMs);
  return (
    <div className="dj-archive-player">
      <audio
        controls
        preload="none"
        src={channelsApi.archiveAudioUrl(handle, archive.id)}
        aria-label={`Play ${archive.title}`}
        onPlay={loadReplay}
        onTimeUpdate={(e) => setPositionMs(e.currentTarget.currentTime * 1000)}
        onSeeked={(e) => setPositionMs(e.currentTarget.currentTime * 1000)}
      />
      {likes && likes.length > 0 && (
        <div className="dj-like-replay" data-testid="dj-like-replay" data-likes={likes.filter((at) => at <= positionMs).length}>
          <span aria-live="polite">♥ {likes.filter((at) => at <= positionMs).length}</span>
          <div className="dj-like-strip" aria-hidden="true">
            {likes.map((at, i) => (
              <span key={i} className="dj-like-mark" style={{ left: `${Math.min(100, (at / lengthMs) * 100)}%` }} />
            ))}
          </div>
        </div>
      )}
      {messages && messages.length > 0 && (
        <ol className="dj-chat-list" aria-label="Chat replay" data-testid="dj-chat-replay">
          {shown.map((m) => (
            <li key={m.id}>
              <span className="small muted">{formatElapsed(Date.parse(m.at) - startedAt)}</span> <span className="dj-chat-name">{m.displayName}</span>{' '}
              <span className="dj-chat-text">{m.text}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
