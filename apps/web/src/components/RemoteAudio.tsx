import { useEffect, useRef } from 'react';
import type { Playback } from '../stores/room';

interface RemoteAudioProps {
  peerId: string;
  track: MediaStreamTrack;
  playback: Playback;
  onBlocked(): void;
}

/**
 * Plays one remote track. It must go through a media element: Chromium only feeds remote
 * WebRTC audio into WebAudio (and the speakers) while an element is playing it. Volume and
 * local mute act on this element only, so they change what this listener hears, nobody else.
 */
export function RemoteAudio({ peerId, track, playback, onBlocked }: RemoteAudioProps) {
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

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.volume = Math.min(1, Math.max(0, playback.volume));
    el.muted = playback.muted;
  }, [playback.volume, playback.muted]);

  return <audio ref={ref} data-testid="remote-audio" data-peer-id={peerId} data-volume={playback.volume} data-muted={playback.muted} autoPlay />;
}
