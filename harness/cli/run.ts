// `preflight run [playwright args…]`: validates the configuration first (a bad .env exits 2 naming the variable,
// before anything starts), then runs the detection suites with Playwright. Exit 0 only when ready for 全网发布.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadConfigOrExit } from '../config.ts';

export async function runCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write('usage: preflight run [--strict] [playwright test options, e.g. --grep @payment, --headed]\n');
    return 0;
  }
  // --strict: extended checks and probes fail the verdict too (same as PREFLIGHT_STRICT=1).
  if (argv.includes('--strict')) {
    process.env.PREFLIGHT_STRICT = '1';
    argv = argv.filter((a) => a !== '--strict');
  }
  const config = loadConfigOrExit();
  process.env.PREFLIGHT_SEED ??= config.seed;
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  const child = spawn(process.execPath, [cli, 'test', ...argv], { stdio: 'inherit', env: process.env });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}
