import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** My library flows shared by the library e2e tests, written against the page's test ids. */

/** Opens /library, waits for the agent to show online, opens it; resolves with the rung the page shows. */
export async function openLibrary(page: Page, base: string, agentName: string, options: { query?: string; timeoutMs?: number } = {}): Promise<string> {
  await page.goto(`${base}/library${options.query ?? ''}`);
  const row = page.locator('[data-testid="library-agents"] li', { hasText: agentName });
  // The list loads after the page (slow on a busy machine): poll longer than expect.poll's 1 s default.
  await expect.poll(() => row.getByTestId('agent-online').textContent(), { timeout: 15_000 }).toBe('online');
  await row.getByRole('button', { name: `Open ${agentName}` }).click();
  await page.waitForFunction(() => !!document.querySelector('[data-testid="library-rung"]')?.getAttribute('data-rung'), undefined, { timeout: options.timeoutMs ?? 30_000 });
  return (await page.getByTestId('library-rung').getAttribute('data-rung'))!;
}

/** Clicks Play on a listed track and resolves once the element has played a little of it. */
export async function playTrack(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: `Play ${title}` }).click();
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLAudioElement>('[data-testid="library-audio"]');
    return !!el && !el.paused && el.currentTime > 0.3;
  });
}

/** Makes an agent token for the signed-in page's account (what "pair with a token" shows). */
export function createAgentToken(page: Page, name: string): Promise<{ agentId: string; token: string }> {
  return page.evaluate(async (name) => {
    const res = await fetch('/api/library/agents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    return (await res.json()) as { agentId: string; token: string };
  }, name);
}
