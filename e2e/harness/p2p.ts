import type { Page } from 'playwright-core';

/**
 * Drives the connectivity page's peer link test (window.p2p): the test process is the
 * signaling channel — it carries offer and answer, and each page's trickled candidates reach
 * the other through an exposed function, as they are found.
 */
/** Mirrors the connectivity page's options. */
export interface LinkOptions {
  audio?: boolean;
  relayOnly?: boolean;
  turnTransport?: 'udp' | 'tcp' | 'tls';
}

export async function openLinkPages(a: Page, b: Page, base: string): Promise<void> {
  const relay = (to: Page) => (message: unknown) =>
    to.evaluate((m) => (window as unknown as { p2p: { onSignal(m: unknown): Promise<void> } }).p2p.onSignal(m), message).catch(() => undefined);
  await a.exposeFunction('roomcastSignal', relay(b));
  await b.exposeFunction('roomcastSignal', relay(a));
  await Promise.all([openLinkPage(a, base), openLinkPage(b, base)]);
}

/**
 * Relay credentials are issued to an account, so a page driven through window.p2p signs in as
 * a guest first (a visit alone creates none). Resolves with the HTTP status of the sign-in.
 */
export async function signInAsGuest(page: Page, base: string): Promise<number> {
  // From the page itself: the test process cannot reach addresses inside network namespaces.
  await page.goto(`${base}/connectivity`);
  return page.evaluate(async () => {
    const res = await fetch('/api/auth/guest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'Link test' }) });
    return res.status;
  });
}

export async function openLinkPage(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/connectivity.html`);
  await page.waitForFunction(() => 'p2p' in window);
}

/** Offer from A, answer from B, accept on A; resolves when both have their remote description. */
export async function signalLink(a: Page, b: Page, options: LinkOptions = {}): Promise<void> {
  type P2P = { offer(o: LinkOptions): Promise<string>; answer(sdp: string, o: LinkOptions): Promise<string>; accept(sdp: string): Promise<void> };
  const offer = await a.evaluate((o) => (window as unknown as { p2p: P2P }).p2p.offer(o), options);
  const answer = await b.evaluate(([sdp, o]) => (window as unknown as { p2p: P2P }).p2p.answer(sdp, o), [offer, options] as const);
  await a.evaluate((sdp) => (window as unknown as { p2p: P2P }).p2p.accept(sdp), answer);
}

export async function waitLinkState(page: Page, state: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction((want) => document.querySelector('[data-testid="link-state"]')?.textContent === want, state, { timeout });
}

/** Waits for the page to show the rung (it is re-read as late candidates arrive). */
/** Waits for the link's rung: an exact name, or a pattern (ICE may nominate any working relay). */
export async function waitLinkRung(page: Page, rung: string | RegExp, timeout = 10_000): Promise<string> {
  const want = typeof rung === 'string' ? `^${rung}$` : rung.source;
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="link-rung"]')?.textContent ?? ''), want, { timeout });
  return (await page.locator('[data-testid="link-rung"]').textContent()) ?? '';
}

/** The selected candidate pair as the browser itself reports it. */
export async function selectedPair(page: Page): Promise<{ local: string; remote: string; relayProtocol: string | null }> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { p2p: { pc: RTCPeerConnection } }).p2p.pc;
    const stats = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(s['id'] as string, s));
    const transport = [...stats.values()].find((s) => s['type'] === 'transport');
    const pair = stats.get(transport?.['selectedCandidatePairId'] as string)!;
    const local = stats.get(pair['localCandidateId'] as string)!;
    const remote = stats.get(pair['remoteCandidateId'] as string)!;
    return { local: String(local['candidateType']), remote: String(remote['candidateType']), relayProtocol: (local['relayProtocol'] as string) ?? null };
  });
}
