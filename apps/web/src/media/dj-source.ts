/**
 * The studio's sources. Music mode: the browser's voice processing (echo cancellation, noise
 * suppression, auto gain) is off, since it would pump and filter a mix, and two channels are
 * asked for so a stereo mix stays stereo.
 */
export const MUSIC_AUDIO: MediaTrackConstraints = {
  echoCancellation: false,
  noiseSuppression: false,
  autoGainControl: false,
  channelCount: 2,
  sampleRate: 48000,
};

/**
 * This tab's own audio (a web deck, a playlist playing here). Chromium needs a video track in
 * the request; it is stopped at once, only the audio is kept. `preferCurrentTab` offers this
 * tab first (headless picks it without a picker).
 */
export async function captureTabAudio(): Promise<MediaStreamTrack> {
  if (!navigator.mediaDevices?.getDisplayMedia) throw new DOMException('tab capture is not supported here', 'NotSupportedError');
  const options = { video: true, audio: MUSIC_AUDIO, preferCurrentTab: true, selfBrowserSurface: 'include', systemAudio: 'include' };
  const stream = await navigator.mediaDevices.getDisplayMedia(options as DisplayMediaStreamOptions);
  for (const video of stream.getVideoTracks()) video.stop();
  const track = stream.getAudioTracks()[0];
  if (!track) throw new DOMException('the shared tab has no audio; tick "share tab audio"', 'NotFoundError');
  return track;
}

/** An input device (mixer, line-in, microphone), in music mode. */
export async function captureDeviceAudio(deviceId?: string): Promise<MediaStreamTrack> {
  if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('no mediaDevices', 'NotSupportedError');
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { ...MUSIC_AUDIO, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) } });
  const track = stream.getAudioTracks()[0];
  if (!track) throw new DOMException('no audio track', 'NotFoundError');
  return track;
}

export function describeSourceError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError') return 'Sharing was refused or cancelled.';
  if (name === 'NotFoundError') return error instanceof DOMException && error.message ? error.message : 'No audio source found.';
  if (name === 'NotSupportedError') return 'This browser cannot capture audio here (HTTPS is required).';
  return `The source could not be started${error instanceof Error ? `: ${error.message}` : '.'}`;
}
