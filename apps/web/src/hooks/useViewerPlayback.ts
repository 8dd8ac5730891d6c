import { useCallback, useEffect, useState, type RefObject } from 'react';
import type { ViewerAction } from '../party/shortcuts';

const VOLUME_KEY = 'roomcast.partyVolume';

function storedVolume(): number {
  const value = Number(localStorage.getItem(VOLUME_KEY));
  return localStorage.getItem(VOLUME_KEY) !== null && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 1;
}

export interface ViewerPlayback {
  volume: number;
  muted: boolean;
  fullscreen: boolean;
  setVolume(volume: number): void;
  toggleMute(): void;
  toggleFullscreen(): void;
  /** What a viewer shortcut does. */
  apply(action: ViewerAction): void;
}

/**
 * This viewer's own side of the player, which never touches the party: volume (remembered on
 * this device), mute, and fullscreen of the stage (video and controls together).
 */
export function useViewerPlayback(video: RefObject<HTMLVideoElement | null>, stage: RefObject<HTMLElement | null>, sourceUrl: string | undefined): ViewerPlayback {
  const [volume, setVolumeState] = useState(storedVolume);
  const [muted, setMuted] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);

  // A new element or source starts at the element's defaults: put this viewer's settings back.
  useEffect(() => {
    if (!video.current) return;
    video.current.volume = volume;
    video.current.muted = muted;
  }, [video, volume, muted, sourceUrl]);

  useEffect(() => {
    const changed = () => setFullscreen(document.fullscreenElement !== null && document.fullscreenElement === stage.current);
    document.addEventListener('fullscreenchange', changed);
    return () => document.removeEventListener('fullscreenchange', changed);
  }, [stage]);

  const setVolume = useCallback((next: number) => {
    const clamped = Math.round(Math.min(1, Math.max(0, next)) * 100) / 100;
    setVolumeState(clamped);
    localStorage.setItem(VOLUME_KEY, String(clamped));
    if (clamped > 0) setMuted(false);
  }, []);
  const toggleMute = useCallback(() => setMuted((m) => !m), []);
  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void stage.current?.requestFullscreen().catch(() => undefined);
  }, [stage]);
  const apply = useCallback(
    (action: ViewerAction) => {
      if (action.kind === 'mute') toggleMute();
      else if (action.kind === 'fullscreen') toggleFullscreen();
      else setVolume((video.current?.volume ?? volume) + action.by);
    },
    [toggleMute, toggleFullscreen, setVolume, video, volume],
  );
  return { volume, muted, fullscreen, setVolume, toggleMute, toggleFullscreen, apply };
}
