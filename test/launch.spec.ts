// Starting the TP under test (harness/platform/launch.ts): its URLs are handed out before it boots, so its port must
// stay its own from the moment it is chosen until it listens. And which Chromium a run starts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parseConfig } from '../harness/config.ts';
import { chromiumExecutable } from '../harness/detection/chromium.ts';
import { canBind, freePort, launchTp, REFERENCE_ENTRY, reserveSocket, withGist } from '../harness/platform/launch.ts';

test('a reserved socket is nobody else\'s until the launched TP listens on exactly it', async () => {
  const socket = await reserveSocket();
  expect(await canBind(socket.port), 'held while the TP boots').toBe(false);
  // The emulator is not needed to boot: the TP calls Baidu only when something asks it to.
  const tp = await launchTp(REFERENCE_ENTRY, parseConfig({}), 'http://127.0.0.1:9', { socket });
  try {
    expect(new URL(tp.urls.authEvent).port).toBe(String(socket.port));
    const health = await fetch(`http://127.0.0.1:${socket.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect(socket.server.listening, 'the launcher let go of its copy').toBe(false);
  } finally {
    await tp.stop();
  }
  expect(await canBind(socket.port), 'free again once the TP is gone').toBe(true);
});

test('a TP that dies before listening is reported with its own words, and the reserved socket is let go', async () => {
  const socket = await reserveSocket();
  const crash = new URL('./mutants/crash-on-start.ts', import.meta.url).pathname;
  await expect(launchTp(crash, parseConfig({}), 'http://127.0.0.1:9', { socket })).rejects.toThrow(/exited with code 3 before listening: crash-on-start/);
  await expect.poll(() => canBind(socket.port)).toBe(true);
});

test('a TP that dies of an uncaught exception is reported by the error, not by where Node printed it', async ({}, testInfo) => {
  const entry = testInfo.outputPath('throws.mjs');
  mkdirSync(path.dirname(entry), { recursive: true });
  writeFileSync(entry, "throw new TypeError('config.port is not a number');\n");
  const failure = await launchTp(entry, parseConfig({}), 'http://127.0.0.1:9').then(() => null, (e: Error) => e.message);
  // Node's own report starts with the file and line (and a caret) before the error.
  expect(failure?.split('\n')[0]).toMatch(/exited with code 1 before listening: TypeError: config\.port is not a number$/);
  expect(failure, 'the whole stderr still follows').toContain('throws.mjs');
});

test('the gist of a TP\'s stderr: its first error line (with the detail after a colon), else its first line', () => {
  expect(withGist('crash-on-start: cannot read my configuration\n')).toBe('crash-on-start: cannot read my configuration');
  expect(withGist('')).toBe('(nothing on stderr)');
  const transform = 'node:internal/modules/run_main:123\n    triggerUncaughtException(\n    ^\n\nError: Transform failed with 1 error:\n/tmp/x.ts:2:0: ERROR: Top-level await is not supported\n    at failureErrorWithLog (esbuild/lib/main.js:1752:15)';
  expect(withGist(transform).split('\n')[0]).toBe('Error: Transform failed with 1 error: /tmp/x.ts:2:0: ERROR: Top-level await is not supported');
  expect(withGist('file.js:1\nError [ERR_MODULE_NOT_FOUND]: Cannot find package \'express\'').split('\n')[0]).toBe("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'express'");
});

test('freePort picks a bindable port below the kernel\'s ephemeral range, where no listen(0) or connect() lands', async () => {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  const ports = await Promise.all(Array.from({ length: 5 }, () => freePort()));
  for (const port of ports) {
    if (low > 11_000) expect(port).toBeLessThan(low);
    expect(await canBind(port)).toBe(true);
  }
});

test('which Chromium: CHROMIUM_PATH first; a headless run takes Debian\'s headless shell when installed; --headed the full browser', () => {
  expect(chromiumExecutable('/opt/my/chrome', { headless: true })).toBe('/opt/my/chrome');
  const shell = '/usr/lib/chromium/chromium-headless-shell';
  const full = chromiumExecutable();
  expect(full, 'the full browser is never the shell').not.toBe(shell);
  expect(chromiumExecutable(undefined, { headless: false })).toBe(full);
  expect(chromiumExecutable(undefined, { headless: true })).toBe(existsSync(shell) ? shell : full);
});
