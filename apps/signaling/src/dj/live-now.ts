import type { Logger } from 'pino';
import type { LiveNow } from '@roomcast/shared';
import type { Mailer } from '../email/mailer.js';
import { liveNowMessage } from '../email/messages.js';
import type { ChannelStore } from './channel-store.js';

/** Followers read per page while telling them: memory stays flat however many follow. */
const FOLLOWERS_PAGE = 200;

export interface LiveNowDeps {
  channels: Pick<ChannelStore, 'followers'>;
  /** Sends the push to every open connection of the account (none when it is offline). */
  tell(userId: string, payload: LiveNow): Promise<void>;
  /** Absent: no email (followers are still told in the app). */
  mailer?: Mailer | undefined;
  /** The address links in mail start with; without it the mail names the channel's path. */
  publicUrl?: string | undefined;
  log: Logger;
}

/**
 * A channel went live: every follower online hears it in the app (`dj:liveNow` on each of its
 * connections), and those who asked for it get an email at their confirmed address. One
 * failed mail is counted, never stops the others, and never the broadcast.
 */
export async function tellFollowers(deps: LiveNowDeps, channelId: string, payload: LiveNow): Promise<{ told: number; emailed: number; failed: number }> {
  let cursor: string | undefined;
  const outcome = { told: 0, emailed: 0, failed: 0 };
  const link = `${deps.publicUrl ?? ''}/c/${payload.channel.handle}`;
  do {
    const page = await deps.channels.followers(channelId, { cursor, limit: FOLLOWERS_PAGE });
    for (const follower of page.items) {
      await deps.tell(follower.userId, payload);
      outcome.told += 1;
      if (!follower.email || !deps.mailer) continue;
      try {
        await deps.mailer.send(liveNowMessage(follower.email, follower.displayName, payload, link));
        outcome.emailed += 1;
      } catch {
        outcome.failed += 1;
      }
    }
    cursor = page.next ?? undefined;
  } while (cursor);
  if (outcome.failed) deps.log.warn({ channelId, ...outcome }, 'some live-now emails could not be sent');
  return outcome;
}
