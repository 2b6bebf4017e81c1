// The curl commands a report offers to reproduce a recorded call: the shell must hand curl exactly what was recorded
// (a PEM key's newlines, a `$`, quotes, an `&` inside a value), with secrets left as variables the reviewer sets.
// A stand-in `curl` shell function prints the arguments bash parsed, so no network and no real curl are needed.
import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { curlFor } from '../harness/detection/evidence.ts';
import { shellWord } from '../harness/report/shell.ts';
import type { CallEntry } from '../harness/detection/emulatorHandle.ts';

/** The argv bash gives `curl` for `command`, with BAIDU and the placeholders' variables set. */
function argvOf(command: string, vars: Record<string, string> = {}): string[] {
  const script = `curl() { printf '%s\\0' "$@"; }\n${command}\n`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, BAIDU: 'https://openapi.example', ...vars } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

function call(over: Partial<CallEntry>): CallEntry {
  return { seq: 7, at: 0, dir: 'in', endpointId: 'pay.submitDevelopConfig', method: 'POST', path: '/rest/2.0/smartapp/pay/developconfig/submit',
    query: {}, form: {}, status: 200, response: {}, durationMs: 1, facts: {}, flags: [], ...over };
}

test('form values reach curl byte for byte: newlines, quotes, $, backticks and backslashes', () => {
  const pem = '-----BEGIN PUBLIC KEY-----\nMIIBIjAN\'BgkqhkiG9w0"BAQEFAAOC\n-----END PUBLIC KEY-----';
  const odd = 'a $HOME `id` \\n \\ & = ? 中文';
  const cmd = curlFor(call({ query: { access_token: '«accessToken:0a1b2c»' }, form: { tp_public_key: pem, note: odd } }), '3520659406');
  expect(cmd, 'one line').not.toContain('\n');
  const argv = argvOf(cmd.replace(/  # .*$/, ''), { ACCESS_TOKEN: 'live-token' });
  expect(argv).toEqual(['-s', '-X', 'POST', 'https://openapi.example/rest/2.0/smartapp/pay/developconfig/submit?access_token=live-token',
    '--data-urlencode', `tp_public_key=${pem}`, '--data-urlencode', `note=${odd}`]);
  expect(cmd).toMatch(/  # against PREFLIGHT_SEED=3520659406 npm run emulator \(or BAIDU=<base URL>\), with ACCESS_TOKEN set to a live value$/);
});

test('query values are percent-encoded (! too), so an & or a space in a value stays in it; placeholders stay variables', () => {
  const cmd = curlFor(call({ method: 'GET', endpointId: 'pkg.getPackage', path: '/rest/2.0/smartapp/package/get', query: { access_token: '«accessToken:ff»', q: "a&b c=d!e'(f)*" } }));
  const [, url] = argvOf(cmd.replace(/  # .*$/, ''), { ACCESS_TOKEN: 'T' });
  const u = new URL(url!);
  expect([...u.searchParams]).toEqual([['access_token', 'T'], ['q', "a&b c=d!e'(f)*"]]);
  // Nothing in the double-quoted URL that an interactive bash expands (history: !).
  expect(cmd.split('  #')[0]).not.toMatch(/!/);
  expect(cmd).toMatch(/# against npm run emulator/);
});

test('shellWord: any string comes back as itself through bash', () => {
  for (const s of ['', 'plain', "it's", 'tab\there', 'cr\r\nlf', '\\\'"$`!', '\x01\x7f', '中文 ok']) {
    expect(argvOf(`curl ${shellWord(s)}`), JSON.stringify(s)).toEqual([s]);
  }
});
