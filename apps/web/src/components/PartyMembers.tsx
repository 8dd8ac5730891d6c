import type { PartyRoom, PartySnapshot } from '../party/party-room';

import type { LinkRung } from '@roomcast/shared';

const LINK_WORDS = { direct: 'direct link', connecting: 'connecting…', server: 'via the server' } as const;
const RUNG_WORDS: Record<LinkRung, string> = { direct: 'direct link', 'relay-udp': 'link via relay (UDP)', 'relay-tcp': 'link via relay (TCP)', 'relay-tls': 'link via relay (TLS)' };

/** Who is here, who hosts, and how this page reaches each of them (direct data channel or the server). */
export function PartyMembers({ room, snapshot, isHost }: { room: PartyRoom; snapshot: PartySnapshot; isHost: boolean }) {
  const { party, self, links, meshRungs: rungs, memberDrift, clockRttMs } = snapshot;
  if (!party || !self) return null;
  const stats = room.syncStats();
  return (
    <>
      <h2 className="section-title">
        Watching <span className="muted">({party.presence.members.length})</span>
      </h2>
      <ul className="participants" aria-label="Members">
        {party.presence.members.map((m) => {
          const me = m.peerId === self.peerId;
          const link = me ? null : (links[m.meshId] ?? 'connecting');
          return (
            <li key={m.peerId} className="participant" data-testid="party-member" data-peer-id={m.peerId} data-host={party.presence.hostPeerId === m.peerId} data-link={link ?? 'self'}>
              <span className="participant-name">{m.displayName}</span>
              {party.presence.hostPeerId === m.peerId && <span className="badge">host</span>}
              {me ? (
                <span className="small muted" data-testid="party-self-sync">
                  you{stats?.driftMs != null ? ` · ${Math.round(stats.driftMs)} ms off` : ''}
                  {clockRttMs != null ? ` · clock ±${Math.round(clockRttMs / 2)} ms` : ''}
                </span>
              ) : (
                <span className={link === 'server' ? 'small notice-warning' : 'small muted'} data-testid="party-member-link" data-rung={rungs[m.meshId] ?? ''}>
                  {link === 'direct' && rungs[m.meshId] ? RUNG_WORDS[rungs[m.meshId]!] : LINK_WORDS[link!]}
                  {memberDrift[m.meshId] != null ? ` · ${Math.round(memberDrift[m.meshId]!)} ms off` : ''}
                </span>
              )}
              {isHost && !me && (
                <button type="button" className="button button-small" onClick={() => void room.handOver(m.peerId)} data-testid="party-handover">
                  Make host
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <p className="small muted" data-testid="self-peer-id" hidden>
        {self.peerId}
      </p>
    </>
  );
}
