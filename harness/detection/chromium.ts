// Which Chromium to launch: CHROMIUM_PATH, else the system's (Debian's /usr/bin/chromium), else Playwright's own.
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

export function chromiumExecutable(configured?: string): string | undefined {
  if (configured) return configured;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium']) if (existsSync(p)) return p;
  return undefined;
}
