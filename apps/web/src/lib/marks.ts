/**
 * The instants of a page's first join, as performance marks (`roomcast:<name>`) that
 * `pnpm bench:join` reads to show where the wait goes. Only the first of each counts: a
 * rejoin later in the visit is not part of opening the link, and marks are not left to pile up.
 */
export function markFirst(name: string): void {
  const mark = `roomcast:${name}`;
  if (performance.getEntriesByName(mark, 'mark').length === 0) performance.mark(mark);
}
