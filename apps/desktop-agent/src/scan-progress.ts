import { SingleBar } from 'cli-progress';
import type { IndexDb } from './index-db.js';
import { scan, type ScanProgress, type ScanResult } from './scanner.js';

/** A scan with a progress bar on `stream` (only for changed files: an unchanged library shows none). */
export async function scanWithBar(index: IndexDb, folders: readonly string[], stream: NodeJS.WritableStream, onProgress?: (p: ScanProgress) => void): Promise<ScanResult> {
  let bar: SingleBar | undefined;
  const result = await scan(index, folders, (progress) => {
    onProgress?.(progress);
    const { done, total } = progress;
    if (total === 0) return;
    if (!bar) {
      // noTTY: a redirected output (a service log, a test) still gets the bar's lines.
      bar = new SingleBar({ stream, format: 'scanning [{bar}] {value}/{total} files', noTTYOutput: true, notTTYSchedule: 500, hideCursor: false });
      bar.start(total, 0);
    }
    bar.update(done);
  });
  bar?.stop();
  return result;
}

export function describeScan(r: ScanResult): string {
  const parts = [`${r.tracks} tracks indexed`, `${r.added} new`, `${r.updated} changed`, `${r.removed} removed`, `${r.unchanged} unchanged`];
  if (r.failed.length) parts.push(`${r.failed.length} unreadable (first: ${r.failed[0]!.file}: ${r.failed[0]!.error})`);
  if (r.refusedLinks) parts.push(`${r.refusedLinks} links out of the shared folders ignored`);
  return parts.join(', ');
}
