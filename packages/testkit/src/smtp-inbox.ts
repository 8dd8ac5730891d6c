import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.js';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/** A real SMTP server on loopback: every message delivered to it is parsed and queued in order. */
export class SmtpInbox {
  readonly #messages: ReceivedMail[] = [];
  readonly #waiting: ((m: ReceivedMail) => void)[] = [];
  readonly #server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, done) => {
      simpleParser(stream).then((mail) => {
        const to = Array.isArray(mail.to) ? mail.to[0]!.text : (mail.to?.text ?? '');
        this.#deliver({ to, subject: mail.subject ?? '', text: mail.text ?? '' });
        done();
      }, done);
    },
  });

  private constructor(readonly url: string) {}

  static async start(): Promise<SmtpInbox> {
    const port = await freePort();
    const inbox = new SmtpInbox(`smtp://127.0.0.1:${port}`);
    await new Promise<void>((resolve) => inbox.#server.listen(port, '127.0.0.1', resolve));
    return inbox;
  }

  #deliver(message: ReceivedMail): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(message);
    else this.#messages.push(message);
  }

  /** The next message, as soon as it arrives. */
  next(): Promise<ReceivedMail> {
    const queued = this.#messages.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Messages arrived and not yet taken. */
  get queued(): number {
    return this.#messages.length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
