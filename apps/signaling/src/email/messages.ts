import type { LiveNow } from '@roomcast/shared';
import type { OutgoingMail } from './mailer.js';

// Plain text on purpose: it renders the same everywhere and carries nothing a client could run.

export function confirmEmailMessage(to: string, name: string, link: string, hours: number): OutgoingMail {
  return {
    to,
    subject: 'Confirm your email for Roomcast',
    text: `Hello ${name},

please confirm that this is your email address by opening this link:

${link}

The link works once and for ${hours} hours. If you did not sign up for Roomcast, ignore this message.
`,
  };
}

export function resetPasswordMessage(to: string, name: string, link: string, minutes: number): OutgoingMail {
  return {
    to,
    subject: 'Reset your Roomcast password',
    text: `Hello ${name},

someone (hopefully you) asked to reset the password of your Roomcast account. Choose a new one here:

${link}

The link works once and for ${minutes} minutes. Setting a new password signs you out everywhere.
If you did not ask for this, ignore this message: your password stays as it is.
`,
  };
}

export function liveNowMessage(to: string, name: string, live: LiveNow, link: string): OutgoingMail {
  return {
    to,
    subject: `${live.channel.title} is live now on Roomcast`,
    text: `Hello ${name},

${live.channel.title} just went live: "${live.broadcast.title}".

Listen here: ${link}

You get this because you follow the channel and asked for email; turn it off on the channel page.
`,
  };
}
