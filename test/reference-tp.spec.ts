// The reference TP's own conduct where the detection cannot see it directly: its callback acts only on an
// authorization its 授权发起页 started, once (a one-time state in the redirect_uri). This is why the probes'
// re-authorization scans again through the 授权发起页 instead of replaying the first callback.
import { test as base, expect } from '@playwright/test';
import { startEmulator, type StartedEmulator } from '../harness/emulator/index.ts';
import { authorize } from '../harness/emulator/providers/auth.ts';
import { PATHS, startReferenceTp, type RunningTp } from '../harness/platform/reference/server.ts';
import { SeededIds } from '../harness/seed.ts';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StateFile } from '../harness/platform/reference/stateFile.ts';
import type { KeeperState } from '../harness/platform/reference/tokens.ts';

const ids = new SeededIds('reference-tp');
const TP = { clientId: ids.alnum('clientId', 32), messageToken: ids.alnum('messageToken', 32), encodingAesKey: ids.alnum('encodingAesKey', 43), tpAppId: 5151 };
const APP_ID = 20_000_001;

const test = base.extend<{ ctx: { em: StartedEmulator; tp: RunningTp } }>({
  ctx: async ({}, use) => {
    const em = await startEmulator({ seed: 'reference-tp', pushTimeoutMs: 3000 });
    const tp = await startReferenceTp({ ...TP, openapiBaseUrl: em.url, smartprogramBaseUrl: em.url });
    em.emu.registerTp({
      ...TP, name: 'reference TP', authEventUrl: tp.url + PATHS.authEvents, messageEventUrl: tp.url + PATHS.messageEvents,
      authStartDomain: new URL(tp.url).host, testAppIds: [APP_ID], permissionSets: ['development'],
    }, { scheduleTickets: false });
    await em.emu.pushTicket(TP.clientId);
    await use({ em, tp });
    await tp.close();
    await em.stop();
  },
});

/** The redirect_uri the 授权发起页 hands to Baidu's authorization page (its link, in the default start page). */
async function redirectUri(tp: RunningTp): Promise<URL> {
  const html = await (await fetch(tp.url + PATHS.authStart)).text();
  const href = /id="authorize" href="([^"]+)"/.exec(html)?.[1]?.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  expect(href, html).toBeTruthy();
  return new URL(new URL(href!).searchParams.get('redirect_uri')!);
}

const callback = async (uri: URL, code: string) => {
  const url = new URL(uri);
  url.searchParams.set('authorization_code', code);
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
};

test('the callback acts on a state its 授权发起页 issued, once; a replayed or foreign callback is refused before any exchange', async ({ ctx }) => {
  const { em, tp } = ctx;
  const first = await redirectUri(tp);
  const second = await redirectUri(tp);
  expect(first.pathname).toBe(PATHS.callback);
  expect(first.searchParams.get('state')).toMatch(/^[0-9a-f]{24}$/);
  expect(second.searchParams.get('state')).not.toBe(first.searchParams.get('state'));

  // Exchanges of a code (a refresh of the token, when the test's next authorization voided it, is not one).
  const exchanges = () => em.emu.ledger.raw().filter((e) => e.dir === 'in' && e.endpointId === 'authprocess.getOAuthToken' && e.query.grant_type === 'app_to_tp_authorization_code').length;
  const code = () => authorize(em.emu, em.emu.requireTp(TP.clientId), APP_ID, ['development']).code;

  const ok = await callback(first, code());
  expect(ok.status, ok.text).toBe(200);
  expect(ok.text).toContain(`data-app-id="${APP_ID}"`);
  expect(exchanges()).toBe(1);

  // The same callback again (a replay, or a harness reusing the first scan's redirect_uri), one with no state and one
  // with a state this TP never issued.
  const noState = new URL(first);
  noState.searchParams.delete('state');
  const foreign = new URL(first);
  foreign.searchParams.set('state', '0123456789abcdef01234567');
  for (const uri of [first, noState, foreign]) {
    const refused = await callback(uri, code());
    expect(refused.status, uri.toString()).toBe(400);
    expect(refused.text).toContain('was not started from our page, or was already used');
  }
  expect(exchanges()).toBe(1);

  // The other state is still good: states are one-time each, not one at a time.
  expect((await callback(second, code())).status).toBe(200);
  expect(exchanges()).toBe(2);
});

test('a TP token Baidu revoked is replaced with the newest ticket and the refused call made once more, for a code exchange too', async ({ ctx }) => {
  const { em, tp } = ctx;
  const uri = await redirectUri(tp);
  const revoked = await fetch(`${em.url}/__emulator/tp/revoke-tokens`, { method: 'POST', body: JSON.stringify({ clientId: TP.clientId }), headers: { 'content-type': 'application/json' } });
  expect(revoked.status).toBe(200);
  const before = em.emu.ledger.raw().at(-1)?.seq ?? 0;
  const ok = await callback(uri, authorize(em.emu, em.emu.requireTp(TP.clientId), APP_ID, ['development']).code);
  expect(ok.status, ok.text).toBe(200);
  const calls = em.emu.ledger.raw().filter((e) => e.dir === 'in' && e.seq > before).map((e) => {
    const r = (e as { response?: { error_code?: number } }).response;
    return `${(e as { endpointId: string }).endpointId}${r?.error_code ? ` ${r.error_code}` : ''}`;
  });
  // Refused for its token (gateway 110), a new TP token, the exchange again (once, though the AUTHORIZED push
  // brought the same code); then app/info with the new authorizer token, from the callback and the push.
  expect(calls.slice(0, 3)).toEqual(['authprocess.getOAuthToken 110', 'authprocess.getTpToken', 'authprocess.getOAuthToken']);
  expect(new Set(calls.slice(3))).toEqual(new Set(['authprocess.getAppInfo']));
});

test('the reference TP keeps what a restart must not lose in a private file, read back whole, removed when it stops', () => {
  const file = new StateFile();
  expect(file.load(), 'nothing persisted yet').toBeUndefined();
  const state: KeeperState = { ticket: 'a'.repeat(32), tpToken: { value: '42.x', expiresAt: 1, ticket: 'a'.repeat(32) }, pairs: [[7, { accessToken: '45.y', refreshToken: '46.z', expiresAt: 2 }]] };
  file.save(state);
  expect(file.load()).toEqual(state);
  const dir = (file as unknown as { dir: string }).dir;
  expect(dir, 'made by the first save').toBeTruthy();
  expect(statSync(join(dir, 'state.json')).mode & 0o077, 'readable by its owner only').toBe(0);
  file.remove();
  expect(existsSync(dir)).toBe(false);
  expect(file.load(), 'gone with its folder').toBeUndefined();
});
