// Which Chromium to launch: CHROMIUM_PATH, else the system's (Debian's headless shell for headless runs, else
// /usr/bin/chromium), else Playwright's own.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Debian's headless-only build (package chromium-headless-shell): starts in ~0.2 s where the full browser takes ~0.5. */
const HEADLESS_SHELLS = ['/usr/lib/chromium/chromium-headless-shell'];
const FULL_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

/**
 * CHROMIUM_PATH when set; else, for a headless launch, Debian's headless shell when installed; else the full system
 * Chromium; else undefined (Playwright's own). `--headed` needs the full browser: the shell has no window to show.
 */
export function chromiumExecutable(configured?: string, opts: { headless?: boolean } = {}): string | undefined {
  if (configured) return configured;
  return [...(opts.headless ? HEADLESS_SHELLS : []), ...FULL_BROWSERS].find((p) => existsSync(p));
}

// The run's Chromium is launched by the runner (globalSetup) while Playwright starts the setup worker — both take most
// of a second — so the worker cannot be handed its endpoint in the environment at spawn time: the runner writes it to
// this file of the run folder once Chromium is up (or why it could not start), and the worker waits for it.
export const BROWSER_FILE = 'browser.json';

export type BrowserHandoff = { wsEndpoint: string } | { error: string };

export function publishBrowser(runDir: string, handoff: BrowserHandoff): void {
  // Written whole under another name, then renamed: the waiting worker never reads half a file.
  const file = path.join(runDir, BROWSER_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(handoff));
  renameSync(`${file}.tmp`, file);
}

export function withdrawBrowser(runDir: string): void {
  rmSync(path.join(runDir, BROWSER_FILE), { force: true });
}

/** Waits for the runner's Chromium: its endpoint, or why it could not start (the worker then launches its own); undefined after timeoutMs. */
export async function awaitBrowser(runDir: string, timeoutMs: number): Promise<BrowserHandoff | undefined> {
  const file = path.join(runDir, BROWSER_FILE);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as BrowserHandoff;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 10));
  }
}
