// The configuration as people meet it: every variable the harness validates is in the README's table and in
// .env.example (and nothing else is), a bad value says what would be accepted, and a variable meant for the team's own
// TP does not stop the harness.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { parseConfig, VARIABLES } from '../harness/config.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const envExample = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');

test('the README\'s configuration table lists exactly the variables the harness validates', () => {
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  const inTable = new Set(rows.flatMap((r) => [...r.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)));
  expect([...inTable].sort()).toEqual(Object.keys(VARIABLES).sort());
});

test('.env.example names every variable the harness validates, and no other', () => {
  const named = new Set([...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
  expect([...named].sort()).toEqual(Object.keys(VARIABLES).sort());
});

test('.env.example copied to .env as it is gives the defaults', () => {
  const env = Object.fromEntries([...envExample.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  expect(parseConfig({ ...env, PREFLIGHT_SEED: 'same' })).toEqual(parseConfig({ PREFLIGHT_SEED: 'same' }));
});

test('a bad yes/no value names the values that would do', () => {
  for (const variable of ['PREFLIGHT_STRICT', 'PREFLIGHT_PROBES']) {
    expect(() => parseConfig({ [variable]: 'maybe' })).toThrow(new RegExp(`^${variable}: invalid value "maybe" \\(expected 0, 1, true or false; `));
  }
});

test('the Baidu base URLs of the team\'s own TP are its business: exported in the same shell, they stop nothing', () => {
  expect(() => parseConfig({ BAIDU_OPENAPI_URL: '127.0.0.1:4010', BAIDU_SMARTPROGRAM_URL: 'not a url' })).not.toThrow();
});

test('PREFLIGHT_REPORT_DIR is where the report files go', () => {
  expect(parseConfig({}).reportDir).toBe('reports');
  expect(parseConfig({ PREFLIGHT_REPORT_DIR: '/tmp/preflight-reports' }).reportDir).toBe('/tmp/preflight-reports');
});

test('a bad secret is described by its length and its first bad character, never shown', () => {
  for (const variable of ['TP_MESSAGE_TOKEN', 'TP_ENCODING_AES_KEY']) {
    const value = 'secretvalue-with-a-dash';
    expect(() => parseConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: invalid value of ${value.length} characters, character 12 not a letter or digit \\(not shown: a secret\\)`));
    try {
      parseConfig({ [variable]: value });
    } catch (e) {
      expect((e as Error).message).not.toContain(value);
    }
  }
  expect(() => parseConfig({ TP_ENCODING_AES_KEY: 'k'.repeat(42) })).toThrow(/^TP_ENCODING_AES_KEY: invalid value of 42 characters \(not shown: a secret\)/);
  expect(() => parseConfig({ TP_CLIENT_ID: 'x' })).toThrow(/^TP_CLIENT_ID: invalid value "x" /);
});

test('a port the OS cannot bind, a set nobody knows and a grant outside the selection are configuration errors', () => {
  for (const variable of ['PREFLIGHT_EMULATOR_PORT', 'PREFLIGHT_EMULATOR_HTTPS_PORT']) {
    for (const value of ['65536', '99999', '-1', '080']) {
      expect(() => parseConfig({ [variable]: value }), `${variable}=${value}`).toThrow(new RegExp(`^${variable}: invalid value "${value}" \\(expected a TCP port from 0 to 65535`));
    }
    for (const value of ['0', '443', '65535']) expect(() => parseConfig({ [variable]: value })).not.toThrow();
  }
  expect(() => parseConfig({ PREFLIGHT_PERMISSION_SETS: 'foo' })).toThrow(/^PREFLIGHT_PERMISSION_SETS: unknown permission set "foo" \(expected development\/开发管理权限, customer-service\/客服能力权限, .*promotion\/推广权限\)$/);
  expect(() => parseConfig({ PREFLIGHT_PERMISSION_SETS: 'development', PREFLIGHT_GRANT: 'payment' }))
    .toThrow(/^PREFLIGHT_GRANT: payment \(支付服务权限\) is not among the selected sets \(PREFLIGHT_PERMISSION_SETS: development\); the admin can grant only what the TP selected$/);
  expect(parseConfig({ PREFLIGHT_PERMISSION_SETS: 'development,payment', PREFLIGHT_GRANT: 'payment' }).grant).toEqual(['payment']);
  // A set named twice is granted once (the report's granted list is a set).
  expect(parseConfig({ PREFLIGHT_PERMISSION_SETS: 'development', PREFLIGHT_GRANT: 'development,开发管理权限' }).grant).toEqual(['development']);
});

test('external mode names every missing TP variable in one line, not one per rerun', () => {
  expect(() => parseConfig({ PREFLIGHT_PLATFORM: 'external' })).toThrow(
    /^TP_CLIENT_ID: is required when PREFLIGHT_PLATFORM=external, and so are TP_APP_ID, TP_MESSAGE_TOKEN, TP_ENCODING_AES_KEY, TP_AUTH_EVENT_URL, TP_MESSAGE_EVENT_URL, TP_AUTH_START_URL$/);
  expect(() => parseConfig({ PREFLIGHT_PLATFORM: 'external', TP_CLIENT_ID: 'x'.repeat(32), TP_APP_ID: '1', TP_MESSAGE_TOKEN: 'token1', TP_ENCODING_AES_KEY: 'k'.repeat(43),
    TP_AUTH_EVENT_URL: 'http://tp/a', TP_MESSAGE_EVENT_URL: 'http://tp/m' })).toThrow(/^TP_AUTH_START_URL: is required when PREFLIGHT_PLATFORM=external$/);
});

test('a set may be named as Baidu\'s documents name it: its slug, its scope_name, or another of Baidu\'s names (客服权限)', () => {
  expect(parseConfig({ PREFLIGHT_PERMISSION_SETS: '客服权限,客服能力权限,customer-service' }).permissionSets).toEqual(['customer-service']);
  expect(parseConfig({ PREFLIGHT_PERMISSION_SETS: '开发管理权限, Payment' }).permissionSets).toEqual(['development', 'payment']);
});
