import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { loopbackTest, PeerLink, type SignalMessage } from '../media/peer-link';

type Driven = Window & { p2p?: PeerLink; roomcastSignal?: (m: SignalMessage) => void };

/**
 * The peer-link test. A person starts it with the button: two links in this page, looped
 * through the relay (or directly). Tests drive `window.p2p` from two pages instead, carrying
 * its signals through `window.roomcastSignal`.
 */
export function PeerLinkTest({ enabled }: { enabled: boolean }) {
  const [link, setLink] = useState(() => new PeerLink((m) => (window as Driven).roomcastSignal?.(m)));
  const [relayOnly, setRelayOnly] = useState(true);
  const view = useSyncExternalStore(
    (listener) => link.subscribe(listener),
    () => link.view,
  );
  const audio = useRef<HTMLAudioElement>(null);
  /** The far end of the page's own loopback test, closed with the page. */
  const loopback = useRef<PeerLink | null>(null);

  useEffect(() => {
    (window as Driven).p2p = link;
    return () => {
      if ((window as Driven).p2p === link) delete (window as Driven).p2p;
    };
  }, [link]);

  useEffect(() => () => link.close(), [link]);
  useEffect(() => () => loopback.current?.close(), []);

  useEffect(() => {
    const el = audio.current;
    if (!el || !view.remoteStream) return;
    el.srcObject = view.remoteStream;
    void el.play().catch(() => undefined);
  }, [view.remoteStream]);

  async function start() {
    const a = new PeerLink(() => undefined);
    const b = new PeerLink(() => undefined, 'peer-loopback');
    setLink(a);
    loopback.current?.close();
    loopback.current = b;
    // A failure shows on the link itself (signed out, no relay configuration, could not connect).
    await loopbackTest(a, b, { relayOnly }).catch(() => undefined);
  }

  return (
    <section className="panel" aria-labelledby="link-title">
      <h2 id="link-title">Peer link test</h2>
      <p className="muted">A browser-to-browser link (data channel and audio), falling back to the relay.</p>
      <div className="controls">
        <label className="check">
          <input type="checkbox" checked={relayOnly} onChange={(e) => setRelayOnly(e.target.checked)} data-testid="link-relay-only" />
          Through the relay only (tests TURN from this browser)
        </label>
        <button type="button" className="button" onClick={() => void start()} disabled={!enabled} data-testid="link-start">
          Start the peer-link test
        </button>
      </div>
      <dl className="media-state">
        <div>
          <dt>State</dt>
          <dd data-testid="link-state" role="status">
            {view.state}
          </dd>
        </div>
        <div>
          <dt>Rung</dt>
          <dd data-testid="link-rung">{view.rung ?? 'unknown'}</dd>
        </div>
        <div>
          <dt>Messages received</dt>
          <dd data-testid="dc-received">{view.received}</dd>
        </div>
      </dl>
      <p data-testid="link-message">{view.message}</p>
      <audio ref={audio} data-testid="remote-audio" data-peer-id="peer" autoPlay muted />
    </section>
  );
}
