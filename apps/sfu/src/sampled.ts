import type { Logger } from 'pino';

/**
 * A warning that may repeat without bound (refused connections, dropped messages): the first
 * is logged, then at most one line per `everyMs` with how many happened since.
 */
export function sampled(log: Logger, message: string, everyMs = 60_000, now: () => number = Date.now): (detail?: object) => void {
  let last = -Infinity;
  let skipped = 0;
  return (detail = {}) => {
    const t = now();
    if (t - last < everyMs) {
      skipped++;
      return;
    }
    log.warn({ ...detail, skipped }, message);
    last = t;
    skipped = 0;
  };
}
