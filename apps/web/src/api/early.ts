import { authApi, type MeResult } from './http';

/**
 * The session check, started by the entry module before React renders so it overlaps the
 * bundle's evaluation; the session store takes the answer over instead of asking again.
 */
let early: Promise<MeResult> | null = null;

export function startSessionCheck(): void {
  early ??= authApi.me();
  early.catch(() => undefined); // read by takeSessionCheck's caller
}

/** The early answer, once; null if none was started (or it was taken). */
export function takeSessionCheck(): Promise<MeResult> | null {
  const pending = early;
  early = null;
  return pending;
}
