/**
 * The studio's mix: the program sources (this tab's audio, an input device, or both) and an
 * optional talk-over microphone, summed in Web Audio into one stereo track; sources come and go
 * without renegotiating (the producer's track is replaced). While the microphone is heard, the
 * program ducks (a classic radio "talk-over"), and comes back after the voice stops.
 *
 * A single input goes on air as its own track, not through Web Audio: the trip into an
 * AudioContext and back out of a MediaStreamDestination costs tens of milliseconds and hands
 * the encoder audio in the context's render bursts (which the listeners' jitter buffers then
 * absorb with more delay); bench:dj prints that stage. Mixing is paid only when there is a mix.
 */
export const DUCKED_GAIN = 0.3;
/** Microphone level (peak, 0…1) above which the program ducks. */
const VOICE_THRESHOLD = 0.05;
/** How long the program stays ducked after the last loud microphone frame. */
const HOLD_MS = 600;

export type MixInput = 'tab' | 'device' | 'talkover';

/** The input that can go on air unmixed: the only one (nothing to sum, nothing to duck), else null. */
export function directInput(inputs: readonly MixInput[]): MixInput | null {
  return inputs.length === 1 ? inputs[0]! : null;
}

export class StudioMixer {
  private readonly ctx = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  private readonly out = this.ctx.createMediaStreamDestination();
  private readonly program = this.ctx.createGain();
  private readonly inputs = new Map<MixInput, { track: MediaStreamTrack; node: MediaStreamAudioSourceNode }>();
  private readonly voice = this.ctx.createAnalyser();
  private readonly samples = new Float32Array(1024);
  private timer: ReturnType<typeof setInterval> | undefined;
  private loudAt = 0;
  /** Whether the program is ducked right now (for the page). */
  ducked = false;

  constructor(private readonly onDuck: (ducked: boolean) => void = () => undefined) {
    this.out.channelCount = 2;
    this.program.connect(this.out);
    this.voice.fftSize = 1024;
  }

  /**
   * What goes on air: the sole input's own track, or the mix (also when there is no input: the
   * producer keeps sending silence rather than an ended track).
   */
  get track(): MediaStreamTrack {
    const direct = directInput([...this.inputs.keys()]);
    return direct ? this.inputs.get(direct)!.track : this.out.stream.getAudioTracks()[0]!;
  }

  /** Sets (or with null removes) one input; the old track of that input is stopped. */
  set(input: MixInput, track: MediaStreamTrack | null): void {
    const previous = this.inputs.get(input);
    previous?.node.disconnect();
    if (previous && previous.track !== track) previous.track.stop();
    this.inputs.delete(input);
    if (track) {
      const node = this.ctx.createMediaStreamSource(new MediaStream([track]));
      if (input === 'talkover') {
        node.connect(this.out);
        node.connect(this.voice);
      } else node.connect(this.program);
      this.inputs.set(input, { track, node });
    }
    void this.ctx.resume();
    this.watchVoice(this.inputs.has('talkover'));
  }

  /** Whether `input` is in the mix (with `track`, when given, as its track). */
  has(input: MixInput, track?: MediaStreamTrack): boolean {
    const entry = this.inputs.get(input);
    return entry !== undefined && (track === undefined || entry.track === track);
  }

  close(): void {
    clearInterval(this.timer);
    for (const input of this.inputs.values()) input.track.stop();
    this.inputs.clear();
    void this.ctx.close();
  }

  /** Ducking: a level check every 50 ms, ramps so the program never clicks. */
  private watchVoice(on: boolean): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!on) return this.duck(false);
    this.timer = setInterval(() => {
      this.voice.getFloatTimeDomainData(this.samples);
      let peak = 0;
      for (const s of this.samples) peak = Math.max(peak, Math.abs(s));
      const now = performance.now();
      if (peak > VOICE_THRESHOLD) this.loudAt = now;
      this.duck(now - this.loudAt < HOLD_MS);
    }, 50);
  }

  private duck(ducked: boolean): void {
    if (ducked === this.ducked) return;
    this.ducked = ducked;
    this.program.gain.setTargetAtTime(ducked ? DUCKED_GAIN : 1, this.ctx.currentTime, ducked ? 0.03 : 0.25);
    this.onDuck(ducked);
  }
}
