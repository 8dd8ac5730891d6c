import { PARTY, type ChatMessage, type Reaction } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';

interface PartyChatProps {
  chat: ChatMessage[];
  /** Whose reactions are "mine" (pressed). */
  selfUserId: string | undefined;
  onSend: (text: string) => void;
  onReact: (id: string, emoji: Reaction) => void;
  onDelete: ((id: string) => void) | undefined;
  maxLength: number;
}

/** The party's chat. Text is rendered as text (React escapes it): markup in a message stays inert. */
export function PartyChat({ chat, selfUserId, onSend, onReact, onDelete, maxLength }: PartyChatProps) {
  const [text, setText] = useState('');
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) return;
    onSend(trimmed);
    setText('');
  }
  return (
    <section className="party-chat" aria-label="Chat">
      <h2 className="section-title">Chat</h2>
      <ol className="chat-log" aria-live="polite">
        {chat.map((m) => (
          <li key={m.id} data-testid="chat-message" data-id={m.id}>
            <strong>{m.displayName}</strong> <span className="chat-text">{m.text}</span>
            {onDelete && (
              <button type="button" className="button button-small" onClick={() => onDelete(m.id)} aria-label={`Delete ${m.displayName}'s message`} data-testid="chat-delete">
                Delete
              </button>
            )}
            <Reactions message={m} selfUserId={selfUserId} onReact={(emoji) => onReact(m.id, emoji)} />
          </li>
        ))}
      </ol>
      <form onSubmit={onSubmit} className="chat-form">
        <input value={text} maxLength={maxLength} onChange={(e) => setText(e.target.value)} aria-label="Message" data-testid="chat-input" />
        <button type="submit" className="button" data-testid="chat-send">
          Send
        </button>
      </form>
    </section>
  );
}

/** A message's reactions with their counts (pressed: mine), and the picker for adding one. */
function Reactions({ message, selfUserId, onReact }: { message: ChatMessage; selfUserId: string | undefined; onReact: (emoji: Reaction) => void }) {
  const given = PARTY.reactions.filter((emoji) => (message.reactions?.[emoji]?.length ?? 0) > 0);
  return (
    <span className="chat-reactions">
      {given.map((emoji) => {
        const by = message.reactions?.[emoji] ?? [];
        const mine = selfUserId !== undefined && by.includes(selfUserId);
        return (
          <button key={emoji} type="button" className="chat-reaction" aria-pressed={mine} onClick={() => onReact(emoji)} aria-label={`${emoji} ${by.length}${mine ? ', yours' : ''}`} data-testid="chat-reaction" data-emoji={emoji} data-count={by.length}>
            {emoji} {by.length}
          </button>
        );
      })}
      <details className="chat-react-picker">
        <summary aria-label={`React to ${message.displayName}'s message`} data-testid="chat-react">☺</summary>
        {PARTY.reactions.map((emoji) => (
          <button key={emoji} type="button" className="chat-reaction" onClick={(e) => {
            onReact(emoji);
            e.currentTarget.closest('details')?.removeAttribute('open');
          }} aria-label={`React ${emoji}`} data-testid="chat-react-pick" data-emoji={emoji}>
            {emoji}
          </button>
        ))}
      </details>
    </span>
  );
}
