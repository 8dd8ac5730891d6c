import { LIMITS, type ChatMessageView } from '@roomcast/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';

interface ChatPanelProps {
  chat: ChatMessageView[];
  /** Present: chat is open (a broadcast is on air). */
  onSend?: ((text: string) => Promise<string | null>) | undefined;
  /** The broadcaster's tools. */
  moderate?: { remove(messageId: string): Promise<string | null>; ban(userId: string): Promise<string | null> } | undefined;
  selfUserId?: string | undefined;
}

/** The broadcast's chat. Text is rendered as text (React escapes it): nothing in it runs. */
export function ChatPanel({ chat, onSend, moderate, selfUserId }: ChatPanelProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);

  async function moderateWith(run: Promise<string | null>, done: string) {
    const refused = await run;
    setStatus(refused ?? done);
  }
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [chat.length]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!onSend || !text.trim()) return;
    setBusy(true);
    const refused = await onSend(text);
    setBusy(false);
    setError(refused);
    if (!refused) setText('');
  }

  return (
    <section className="dj-chat" aria-label="Chat">
      <h2 className="section-title">Chat</h2>
      <ol ref={list} className="dj-chat-list" data-testid="dj-chat" aria-live="polite">
        {chat.map((m) => (
          <li key={m.id} data-testid="dj-chat-message" data-message-id={m.id} data-user-id={m.userId}>
            <span className="dj-chat-name">{m.displayName}</span> <span className="dj-chat-text">{m.text}</span>
            {moderate && m.userId !== selfUserId && (
              <span className="dj-chat-tools">
                <button type="button" className="link-button" onClick={() => void moderateWith(moderate.remove(m.id), 'Message deleted.')} data-testid="dj-chat-delete" aria-label={`Delete message from ${m.displayName}`}>
                  delete
                </button>
                <button type="button" className="link-button" onClick={() => void moderateWith(moderate.ban(m.userId), `${m.displayName} is barred from this chat.`)} data-testid="dj-chat-ban" aria-label={`Bar ${m.displayName} from chat`}>
                  ban
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      {onSend ? (
        <form className="dj-chat-form" onSubmit={submit}>
          <label className="visually-hidden" htmlFor="dj-chat-input">
            Message
          </label>
          <input id="dj-chat-input" value={text} onChange={(e) => setText(e.target.value)} maxLength={LIMITS.dj.chatChars} data-testid="dj-chat-input" autoComplete="off" />
          <button type="submit" className="button" disabled={busy} data-testid="dj-chat-send">
            Send
          </button>
        </form>
      ) : (
        <p className="small muted">Chat opens when the broadcast starts.</p>
      )}
      {status && (
        <p className="small muted" role="status" data-testid="dj-chat-status">
          {status}
        </p>
      )}
      {error && (
        <p className="notice notice-warning" role="alert" data-testid="dj-chat-error">
          {error}
        </p>
      )}
    </section>
  );
}
