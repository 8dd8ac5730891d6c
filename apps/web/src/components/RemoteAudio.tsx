import { useEffect, useRef } from 'react';

interface RemoteAudioProps {
  peerId: string;
  track: MediaStreamTrack;
  onBlocked(): void;
}

/**
 * Plays one remote track. It must go through a media element: Chromium only feeds remote
 * WebRTC audio into WebAudio (and the speakers) while an element is playing it.
 */
export function RemoteAudio({ peerId, track, onBlocked }: RemoteAudioProps) {
  const ref = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    el.play().catch((error: unknown) => {
      // Autoplay policy: without a prior click on this site, playback waits for one.
      if (error instanceof DOMException && error.name === 'NotAllowedError') onBlocked();
    });
    return () => {
      el.srcObject = null;
    };
  }, [track, onBlocked]);

  return <audio ref={ref} data-testid="remote-audio" data-peer-id={peerId} autoPlay />;
}
