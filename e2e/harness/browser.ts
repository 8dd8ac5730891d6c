import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TONES_DIR = path.join(tmpdir(), 'roomcast-tones');

const BASE_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
];

/** A 48 kHz mono sine WAV, made once per frequency with sox. */
export function toneFile(hz: number, seconds = 120): string {
  mkdirSync(TONES_DIR, { recursive: true });
  const file = path.join(TONES_DIR, `tone-${hz}-${seconds}s.wav`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.wav`;
    execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', tmp, 'synth', String(seconds), 'sine', String(hz), 'vol', '0.5']);
    execFileSync('mv', [tmp, file]);
  }
  return file;
}

export interface Participant {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  toneHz: number | null;
  /** What the page's Content-Security-Policy refused so far (the console's report of it). */
  cspViolations: string[];
  close(): Promise<void>;
}

/**
 * One browser per participant: Chromium's fake microphone is per process, so each gets its own
 * tone and the receivers can tell speakers apart by frequency.
 */
export async function openParticipant(options: { toneHz?: number; extraArgs?: string[]; executablePath?: string; tabCapture?: boolean } = {}): Promise<Participant> {
  // Tab capture: the fake-UI flag would hand getDisplayMedia fake tracks; without it,
  // --auto-accept-this-tab-capture returns the real tab audio after a real click.
  const base = options.tabCapture ? [...BASE_FLAGS.filter((f) => f !== '--use-fake-ui-for-media-stream'), '--auto-accept-this-tab-capture'] : BASE_FLAGS;
  const args = [...base, ...(options.extraArgs ?? [])];
  if (options.toneHz) args.push(`--use-file-for-fake-audio-capture=${toneFile(options.toneHz)}`);
  // executablePath: e.g. a wrapper that starts Chromium inside a network namespace (harness/netns).
  // Playwright mutes every page by default (--mute-audio); a muted tab's capture is silence.
  const ignoreDefaultArgs = options.tabCapture ? ['--mute-audio'] : [];
  const browser = await chromium.launch({ executablePath: options.executablePath ?? CHROMIUM, args, headless: true, ignoreDefaultArgs });
  const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  return {
    browser,
    context,
    page,
    toneHz: options.toneHz ?? null,
    cspViolations,
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}

/**
 * One Chromium process for several people, each in its own context (own cookies, own page):
 * for tests that need many members but no per-person fake microphone (a watch party).
 */
export async function launchShared(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...BASE_FLAGS, ...extraArgs], headless: true });
}

/** A new person in a shared browser: its own context and page, phone-sized. */
export async function newPerson(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}
