// Issue 4 §2: Baidu's SDKs hard-code https://openapi.baidu.com. With the host pointed at 127.0.0.1 and the local CA
// trusted, a client that knows only the real host name reaches the emulator over verified TLS.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { startEmulator } from '../harness/emulator/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

async function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

// The client side: our typed client, configured with nothing but Baidu's real base URL.
const CLIENT = `
import { BaiduClient } from './harness/baidu/client.ts';
const c = new BaiduClient({ openapiBaseUrl: 'https://openapi.baidu.com', retries: 0 });
try { console.log(JSON.stringify(await c.call('authprocess.getTpToken', { client_id: process.argv[1], ticket: process.argv[2] }))); }
catch (e) { console.log(JSON.stringify({ failed: e.message })); }
c.close();
`;

test('a client that knows only https://openapi.baidu.com reaches the emulator', async () => {
  test.skip(!(await canBind(443)), 'needs to bind 127.0.0.1:443 (root, port free) to stand in for openapi.baidu.com');
  const em = await startEmulator({ seed: 'tls', httpsPort: 443 });
  const stub = createServer();
  try {
    em.emu.registerTp({
      clientId: 'TlsClientId0000000000000000000000', tpAppId: 1, name: 'tls', messageToken: 'token', encodingAesKey: 'a'.repeat(43),
      authEventUrl: 'http://127.0.0.1:9/closed', messageEventUrl: 'http://127.0.0.1:9/closed', authStartDomain: '127.0.0.1', testAppIds: [1000001], permissionSets: [],
    }, { scheduleTickets: false });
    await em.emu.pushTicket('TlsClientId0000000000000000000000');
    const ticket = em.emu.store.newestTicket('TlsClientId0000000000000000000000')!.value;
    // Asynchronous on purpose: the emulator lives in this process and must keep serving while the child runs.
    const run = async (env: Record<string, string>) => {
      const r = await promisify(execFile)(process.execPath, ['--import', './test/support/hosts-preload.mjs', '--import', 'tsx', '--input-type=module', '-e', CLIENT, 'TlsClientId0000000000000000000000', ticket], {
        cwd: root, timeout: 20_000, env: { ...process.env, PREFLIGHT_TEST_HOSTS: 'openapi.baidu.com,smartprogram.baidu.com', ...env },
      });
      return JSON.parse(r.stdout.trim().split('\n').at(-1) || '{}');
    };

    const trusted = await run({ NODE_EXTRA_CA_CERTS: em.caPath! });
    expect(trusted.access_token, JSON.stringify(trusted)).toMatch(/^42\.[0-9a-f]{32}\.2592000\./);
    const calls = em.emu.ledger.raw().filter((e) => e.dir === 'in' && e.endpointId === 'authprocess.getTpToken');
    expect(calls).toHaveLength(1);

    // Without trusting the CA the same client refuses the emulator: the TLS is real, not bypassed.
    const untrusted = await run({ NODE_EXTRA_CA_CERTS: '' });
    expect(untrusted.failed).toMatch(/certificate|self.signed|unable to verify/i);
  } finally {
    stub.close();
    await em.stop();
  }
});
