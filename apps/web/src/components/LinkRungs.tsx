import type { LinkRung } from '@roomcast/shared';

const WORDS: Record<LinkRung, string> = {
  direct: 'direct',
  'relay-udp': 'relay-udp',
  'relay-tcp': 'relay-tcp',
  'relay-tls': 'relay-tls',
};

/** Which rung of the ladder each media link is on; the words are the stats' names on purpose. */
export function LinkRungs({ rungs }: { rungs: { send: LinkRung | null; recv: LinkRung | null } }) {
  return (
    <>
      {(['send', 'recv'] as const).map((direction) => (
        <div key={direction}>
          <dt>{direction === 'send' ? 'Sending via' : 'Receiving via'}</dt>
          <dd data-testid="link-rung" data-direction={direction} data-rung={rungs[direction] ?? ''} title="direct, or relayed over UDP, TCP or TLS">
            {rungs[direction] ? WORDS[rungs[direction]] : '—'}
          </dd>
        </div>
      ))}
    </>
  );
}
