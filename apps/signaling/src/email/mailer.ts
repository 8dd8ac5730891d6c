import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { MailboxMessage } from '@roomcast/shared';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

/** Real delivery through SMTP_URL (`smtp://user:pass@host:587`, `smtps://…`). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    send: async (mail) => {
      await transport.sendMail({ from, ...mail });
    },
    close: async () => transport.close(),
  };
}

const MAILBOX_LIST_LIMIT = 200;

/**
 * The embedded default: a fresh install has no mail server, so messages are written as JSON
 * files under the data directory and an administrator reads them on the admin page.
 */
export class DevMailbox implements Mailer {
  constructor(
    readonly dir: string,
    private readonly from: string,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const sentAt = new Date().toISOString();
    // The name sorts by time; the random part keeps two messages in one millisecond apart.
    const id = `${sentAt.replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
    const message: MailboxMessage = { id, from: this.from, ...mail, sentAt };
    await writeFile(path.join(this.dir, `${id}.json`), JSON.stringify(message, null, 2), { mode: 0o600 });
  }

  /** Newest first. A file that is not a message (edited by hand) is skipped. */
  async list(limit = MAILBOX_LIST_LIMIT): Promise<MailboxMessage[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const newest = names.filter((n) => n.endsWith('.json')).sort().reverse().slice(0, limit);
    const read = await Promise.all(newest.map(async (name) => MailboxMessage.safeParse(JSON.parse(await readFile(path.join(this.dir, name), 'utf8').catch(() => 'null')))));
    return read.flatMap((r) => (r.success ? [r.data] : []));
  }

  async close(): Promise<void> {}
}
