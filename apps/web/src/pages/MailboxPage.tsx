import type { MailboxMessage } from '@roomcast/shared';
import { useEffect, useState } from 'react';
import { adminApi } from '../api/http';
import { toApiError } from '../api/errors';
import { Alert } from '../components/Alert';
import { useSession } from '../stores/session';

/**
 * The development mailbox: with no SMTP server configured, the emails Roomcast would have sent
 * (confirmations, password resets) are kept on the server and read here by an administrator.
 */
export function MailboxPage() {
  const user = useSession((s) => s.user);
  const [messages, setMessages] = useState<MailboxMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (user?.role !== 'admin') return;
    const abort = new AbortController();
    adminApi.mailbox(abort.signal).then(
      (answer) => setMessages(answer.messages),
      (raw: unknown) => !abort.signal.aborted && setError(toApiError(raw).message),
    );
    return () => abort.abort();
  }, [user?.role]);

  if (user?.role !== 'admin') {
    return (
      <section className="panel narrow">
        <h1>Mailbox</h1>
        <Alert>Only an administrator can read the mailbox.</Alert>
      </section>
    );
  }
  return (
    <section className="panel" data-testid="mailbox">
      <h1>Mailbox</h1>
      <p className="muted">Emails Roomcast would have sent. Set SMTP_URL to send them for real.</p>
      {error && <Alert>{error}</Alert>}
      {messages?.length === 0 && <p className="muted">No messages yet.</p>}
      <ol className="mailbox-list">
        {messages?.map((m) => (
          <li key={m.id} className="mailbox-message" data-testid="mailbox-message">
            <p>
              <strong>{m.subject}</strong> — to {m.to} · <time dateTime={m.sentAt}>{new Date(m.sentAt).toLocaleString()}</time>
            </p>
            {/* Text only: whatever a message holds is shown, never run. */}
            <pre className="mailbox-text">{m.text}</pre>
          </li>
        ))}
      </ol>
    </section>
  );
}
