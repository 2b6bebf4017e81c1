// The hook contract from the harness's side (harness/detection/hook.ts), against a stub hook: done on 2xx, an error
// with the hook's answer otherwise, WAITING (a line saying what to do) on 404/501 or without a hook, a hang bounded
// by the timeout — and a 404, which a wrong TP_HOOK_URL gets too, says to check it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { performAction, type ActionRequest } from '../harness/detection/hook.ts';

let server: Server;
let base = '';

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
    if (status === 0) return; // hangs
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status < 300 ? { packageId: 7 } : { error: 'nope' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function ask(status: number | undefined, extra: Partial<ActionRequest> = {}) {
  const lines: string[] = [];
  const request: ActionRequest = {
    hookUrl: status === undefined ? undefined : `${base}?status=${status}`, action: 'upload-package', appId: 42,
    instructions: 'upload a package', satisfied: async () => false, waitS: 0, log: (l) => lines.push(l), ...extra,
  };
  return performAction(request).then((result) => ({ result, lines }));
}

test('a 2xx is done, with what the hook answered', async () => {
  const { result, lines } = await ask(200);
  expect(result).toMatchObject({ action: 'upload-package', outcome: 'done', hookStatus: 200, hookBody: { packageId: 7 } });
  expect(lines).toEqual([]);
});

test('another error status is the TP\'s error, quoted', async () => {
  const { result } = await ask(500);
  expect(result).toMatchObject({ outcome: 'error', hookStatus: 500, cause: 'the TP\'s hook answered HTTP 500: {"error":"nope"}' });
});

test('a 501 is the hook\'s own "not implemented": WAITING, and the line says what to do', async () => {
  const { result, lines } = await ask(501);
  expect(result).toMatchObject({ outcome: 'waiting', hookStatus: 501 });
  expect(result.cause).toMatch(/^the hook does not support "upload-package" \(HTTP 501\), and the TP made no such call within PREFLIGHT_WAIT_S=0 s: upload a package$/);
  expect(lines).toEqual([expect.stringMatching(/^WAITING \(the hook does not support "upload-package" \(HTTP 501\)\): upload a package — app 42; waiting up to 0 s/)]);
});

test('a 404 might be a wrong TP_HOOK_URL: the reason says to check it', async () => {
  const { result } = await ask(404);
  expect(result.cause).toContain(`the hook does not support "upload-package" (HTTP 404; if it does, check TP_HOOK_URL=${base}?status=404: nothing may be served at that path)`);
});

test('without a hook: WAITING; the calls arriving while waiting make it done', async () => {
  let n = 0;
  const { result, lines } = await ask(undefined, { waitS: 5, satisfied: async () => ++n >= 2 });
  expect(result).toMatchObject({ outcome: 'done', cause: 'no TP_HOOK_URL is configured; the calls arrived while waiting' });
  expect(lines).toHaveLength(1);
});

test('a hook that does not answer in time is hung, with the measured cause', async () => {
  const { result } = await ask(0, { timeoutMs: 300 });
  expect(result).toMatchObject({ outcome: 'error', hung: true, cause: `the TP's hook ${base}?status=0 did not answer "upload-package" within 300 ms` });
});
