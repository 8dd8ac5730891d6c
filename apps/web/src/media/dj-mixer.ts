/**
 * The studio's mix: the program sources (this tab's audio, an input device, or both) and an
 * optional talk-over microphone, summed in Web Audio into one stereo track that the studio
 * produces once; sources come and go without touching the producer. While the microphone is
 * heard, the program ducks (a classic radio "talk-over"), and comes back after the voice stops.
 */
export const DUCKED_GAIN = 0.3;
/** Microphone level (peak, 0…1) above which the program ducks. */
const VOICE_THRESHOLD = 0.05;
/** How long the program stays ducked after the last loud microphone frame. */
const HOLD_MS = 600;

export type MixInput = 'tab' | 'device' | 'talkover';

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

  /** The mix, to produce once. */
  get track(): MediaStreamTrack {
    return this.out.stream.getAudioTracks()[0]!;
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

  has(input: MixInput): boolean {
    return this.inputs.has(input);
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
