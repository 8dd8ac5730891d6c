import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RATE = 16_000;

/** Decodes any audio file ffmpeg reads to mono 16 kHz samples. */
export async function decodeMono(file: string): Promise<Float32Array> {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-ac', '1', '-ar', String(RATE), '-f', 's16le', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const pcm = new Int16Array(stdout.buffer, stdout.byteOffset, stdout.byteLength / 2);
  return Float32Array.from(pcm, (x) => x / 32768);
}

/** Which of `candidates` (Hz) is loudest in `seconds` of samples starting `fromS` in (Goertzel). */
export function loudestOf(samples: Float32Array, candidates: readonly number[], fromS = 0, seconds = 0.5): number {
  const part = samples.subarray(Math.round(fromS * RATE), Math.round((fromS + seconds) * RATE));
  const power = (hz: number) => {
    const k = 2 * Math.cos((2 * Math.PI * hz) / RATE);
    let s1 = 0;
    let s2 = 0;
    for (const x of part) {
      const s0 = x + k * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return s1 * s1 + s2 * s2 - k * s1 * s2;
  };
  const powers = candidates.map(power);
  return candidates[powers.indexOf(Math.max(...powers))]!;
}
