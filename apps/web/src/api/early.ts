/**
 * The session check, started by the entry module before anything else loads so it overlaps
 * the app's download; the session store reads the answer instead of asking again. Plain
 * fetch on purpose: the entry stays free of schemas and their library.
 */
let early: Promise<Response> | null = null;

export function startSessionCheck(): void {
  early ??= fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  early.catch(() => undefined); // read (and reported) by whoever takes it
}

/** The early answer, once; null if none was started (or it was taken). */
export function takeSessionCheck(): Promise<Response> | null {
  const pending = early;
  early = null;
  return pending;
}
