import { useEffect, useState } from 'react';

/** The source's input level (peak, 0…1) and a clip warning when it touches full scale. */
export function LevelMeter({ track }: { track: MediaStreamTrack | null }) {
  const [level, setLevel] = useState(0);
  const [clipped, setClipped] = useState(false);

  useEffect(() => {
    if (!track) return;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let clipUntil = 0;
    // A timer, not requestAnimationFrame: a background studio tab still shows a true level.
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s));
      if (peak >= 0.99) clipUntil = Date.now() + 1500;
      setLevel(peak);
      setClipped(Date.now() < clipUntil);
    }, 100);
    return () => {
      clearInterval(timer);
      void ctx.close();
    };
  }, [track]);

  const percent = Math.round(Math.min(1, level) * 100);
  return (
    <div className="dj-meter">
      <div className="dj-meter-bar" role="meter" aria-label="Input level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-testid="dj-level" data-level={level.toFixed(3)}>
        <span style={{ width: `${percent}%` }} className={clipped ? 'dj-meter-fill dj-meter-clip' : 'dj-meter-fill'} />
      </div>
      {clipped && (
        <span className="notice notice-warning small" data-testid="dj-clip">
          Clipping — lower the source level
        </span>
      )}
    </div>
  );
}
