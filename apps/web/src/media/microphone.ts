/**
 * Capturing the microphone for voice: which device, and the browser's voice processing.
 * Echo cancellation and auto gain stay on (a room is full of open speakers); noise
 * suppression is on by default and can be turned off (music, a good quiet mic).
 */
export interface MicSettings {
  /** A device from enumerateDevices; undefined means the system default. */
  deviceId?: string;
  noiseSuppression: boolean;
}

export const DEFAULT_MIC_SETTINGS: MicSettings = { noiseSuppression: true };

export interface MicDevice {
  deviceId: string;
  label: string;
}

export function micConstraints(settings: MicSettings): MediaTrackConstraints {
  return {
    ...(settings.deviceId ? { deviceId: { exact: settings.deviceId } } : {}),
    channelCount: 1,
    echoCancellation: true,
    autoGainControl: true,
    noiseSuppression: settings.noiseSuppression,
  };
}

export async function captureMicrophone(settings: MicSettings): Promise<MediaStreamTrack> {
  if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('no mediaDevices', 'NotSupportedError');
  const stream = await navigator.mediaDevices.getUserMedia({ audio: micConstraints(settings) });
  const track = stream.getAudioTracks()[0];
  if (!track) throw new DOMException('no audio track', 'NotFoundError');
  return track;
}

/** Labels are only readable once the page has microphone permission; until then, numbered. */
export async function listMicrophones(): Promise<MicDevice[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'audioinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
}

export function describeMicError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Microphone permission denied — you can listen but not speak.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone found — you can listen but not speak.';
  if (name === 'NotReadableError') return 'The microphone is in use by another app — you can listen but not speak.';
  if (name === 'NotSupportedError') return 'This browser cannot capture audio here (HTTPS is required) — listening only.';
  return 'The microphone could not be started — you can listen but not speak.';
}
