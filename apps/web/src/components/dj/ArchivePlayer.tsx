import type { BroadcastView, ChatMessageView } from '@roomcast/shared';
import { useState } from 'react';
import { channelsApi } from '../../api/http';
import { formatElapsed } from './Elapsed';

/**
 * An archive's player with its chat replayed beside the timeline: each message appears when
 * playback passes the moment it was sent (seeking back hides the later ones again).
 */
export function ArchivePlayer({ handle, archive }: { handle: string; archive: BroadcastView }) {
  const [messages, setMessages] = useState<ChatMessageView[] | null>(null);
  const [positionMs, setPositionMs] = useState(0);
  const startedAt = Date.parse(archive.startedAt ?? '') || 0;

  function loadChat() {
    if (messages) return;
    setMessages([]);
    channelsApi.archiveChat(handle, archive.id).then(
      ({ messages }) => setMessages(messages),
      () => setMessages([]),
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
        onPlay={loadChat}
        onTimeUpdate={(e) => setPositionMs(e.currentTarget.currentTime * 1000)}
        onSeeked={(e) => setPositionMs(e.currentTarget.currentTime * 1000)}
      />
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
