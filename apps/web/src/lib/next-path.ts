/**
 * The `?next=` target after signing in, kept on this site: only a same-origin absolute path is
 * accepted, so a crafted link cannot bounce a fresh session to another origin.
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  // Control characters (tab, newline) are stripped by URL parsers and could rebuild a "//".
  if (/[\u0000-\u001f\u007f]/.test(next)) return fallback;
  return next;
}

/** The link to sign in and come back to `path`. */
export function signInLink(path: string): string {
  return `/signin?next=${encodeURIComponent(path)}`;
}
