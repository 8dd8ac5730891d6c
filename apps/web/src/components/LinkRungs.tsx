import type { LinkRung } from '@roomcast/shared';

/** Which rung of the ladder each media link is on, in the same words the stats export uses. */
export function LinkRungs({ rungs }: { rungs: { send: LinkRung | null; recv: LinkRung | null } }) {
  return (
    <>
      {(['send', 'recv'] as const).map((direction) => (
        <div key={direction}>
          <dt>{direction === 'send' ? 'Sending via' : 'Receiving via'}</dt>
          <dd data-testid="link-rung" data-direction={direction} data-rung={rungs[direction] ?? ''} title="direct, or relayed over UDP, TCP or TLS">
            {rungs[direction] ?? '—'}
          </dd>
        </div>
      ))}
    </>
  );
}
