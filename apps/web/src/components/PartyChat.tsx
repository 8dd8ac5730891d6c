import type { ChatMessage } from '@roomcast/shared';
import { useState, type FormEvent } from 'react';

/** The party's chat. Text is rendered as text (React escapes it): markup in a message stays inert. */
export function PartyChat({ chat, onSend, onDelete, maxLength }: { chat: ChatMessage[]; onSend: (text: string) => void; onDelete: ((id: string) => void) | undefined; maxLength: number }) {
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
