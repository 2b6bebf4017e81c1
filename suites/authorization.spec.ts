// Checks of the authorization chain (ticket → TP token → pre-auth code → scan → code → authorizer token → app/info).
// Each check reads what the setup step and the emulator's ledger recorded, so one broken link fails its own check
// and the others still report.
import { test, asCheck } from '../fixtures/index.ts';
import { shellWord } from '../harness/report/shell.ts';
import { isOrdinaryTicket, judgePushesAcked } from '../fixtures/judge.ts';
import { errorOf, grantType, succeeded } from '../harness/detection/emulatorHandle.ts';
import { becauseOf, loadObservations, scrubUrl, type AuthorizationObservations } from '../harness/detection/observations.ts';
import { scanStopCause } from '../harness/detection/scan.ts';
import { noAuthorizerToken } from '../harness/detection/exercise.ts';
import { AUTH_PAGE } from '../harness/detection/runEnv.ts';
import { underAuthStartDomain } from '../harness/baidu/authStartDomain.ts';

/** Baidu's authorization page refuses a request without a Referer from the 授权发起页域名 with 50006. */
const REFERER_ERRNO = 50006;

/** Which check judges where the scan stopped: the way to Baidu's page and its Referer, or the scan itself. */
function scanCheck(obs: AuthorizationObservations): string {
  const beforePage = !!obs.startPage.error || !obs.authorizationPage.reached || obs.authorizationPage.errno === REFERER_ERRNO;
  return beforePage ? 'auth.start-page-referer' : 'auth.scan-authorization';
}

/** Skips a check that judges what followed the scan when there was no confirmed scan, saying what went wrong. */
function needsScan(obs: AuthorizationObservations): void {
  test.skip(!obs.mobile.confirmed, `needs a confirmed scan (see ${scanCheck(obs)}${becauseOf(scanStopCause(obs))})`);
}

function observations(runDir: string): AuthorizationObservations {
  const obs = loadObservations<AuthorizationObservations>(runDir, 'authorization');
  if (!obs) throw new Error('the authorization setup step recorded nothing (did it run?)');
  return obs;
}

test('ticket pushes are acknowledged with exactly "success" in time', asCheck('auth.ticket-ack'), async ({ run, check }) => {
  // Probes' forged tickets and replays are judged by the probes, not here.
  await judgePushesAcked(run, check, 'ticket', isOrdinaryTicket);
});

test('the TP token is requested with the newest ticket', asCheck('auth.tp-token-newest-ticket'), async ({ run, check }) => {
  const calls = await run.beforeProbes.calls('authprocess.getTpToken');
  check.evidence('tp/token calls', calls.map(({ seq, query, status, response, facts }) => ({ seq, query, status, response, facts })));
  if (!calls.length) return check.fail('the TP never called /public/2.0/smartapp/auth/tp/token');
  for (const c of calls) {
    if (c.facts.staleTicket) return check.fail(`tp/token call #${c.seq} used ticket #${c.facts.ticketSeq} although ticket #${c.facts.newestTicketSeq} had been pushed: the TP must keep the newest ticket`);
    if (c.facts.ticket !== undefined) return check.fail(`tp/token call #${c.seq} used a ticket Baidu never pushed or one that has expired (50003)`);
  }
  if (!calls.some(succeeded)) return check.fail(`no tp/token call succeeded: ${calls.map(errorOf).join('; ')}`);
});

test('the authorization page is reached from the 授权发起页 with its Referer', asCheck('auth.start-page-referer'), async ({ run, check }) => {
  const obs = observations(run.runDir);
  const pages = (await run.beforeProbes.pages(AUTH_PAGE)).filter((p) => p.seq > obs.ledgerStart);
  check.evidence('browser', { startPage: obs.startPage, authorizationPage: obs.authorizationPage });
  check.evidence('authorization page requests', pages);
  // A team's own TP keeps its URL after the run: ask its 授权发起页 again. The reference TP's port is gone with the run
  // (the rerun command the report adds reproduces it).
  if (run.config.platform === 'external') check.reproduce(`curl -si ${shellWord(run.tpUrls.authStart)}`);
  // Sentences, not expect(): the matcher's "Received:" would bury what happened under its own text (and so everywhere here).
  if (obs.startPage.error) return check.fail(`the 授权发起页 ${obs.startPage.url} did not lead to Baidu's authorization page: ${obs.startPage.error}`);
  if (!obs.authorizationPage.reached) return check.fail('the browser never reached the authorization page');
  // The Referer is judged from what the page received, whatever Baidu's page refused first (it checks the request's
  // parameters before the Referer); a refusal of the parameters is the scan's (auth.scan-authorization).
  const referer = pages.at(-1)?.referer;
  const domain = new URL(run.tpUrls.authStart).host;
  if (!referer) {
    return check.fail(`the authorization page request carried no Referer${obs.authorizationPage.errno === REFERER_ERRNO ? ` (Baidu refused it, errno ${REFERER_ERRNO})` : ''}: `
      + 'a Referrer-Policy of no-referrer (a header or a meta tag) on the 授权发起页, or a hop through a page that drops it, strips what Baidu checks');
  }
  if (!underAuthStartDomain(referer, domain)) {
    return check.fail(`the authorization page was opened from ${scrubUrl(referer)}, which is not under the 授权发起页域名 ${domain} (Baidu refuses that with ${REFERER_ERRNO}): `
      + 'the page that leads to Baidu must be served from the registered domain');
  }
  if (obs.authorizationPage.errno === REFERER_ERRNO) return check.fail(`Baidu's authorization page refused the Referer ${scrubUrl(referer)}: ${obs.authorizationPage.error}`);
});

test('scan authorization: the QR is decoded and confirmed on a phone', asCheck('auth.scan-authorization'), async ({ run, check }) => {
  const obs = observations(run.runDir);
  check.evidence('scan', { qr: obs.qr, mobile: obs.mobile, appId: obs.appId, durationsMs: obs.durationsMs });
  for (const s of obs.screenshots) await test.info().attach(s.name, { path: s.path, contentType: 'image/png' }).catch(() => {});
  test.skip(!obs.authorizationPage.reached || obs.authorizationPage.errno === REFERER_ERRNO, `needs the authorization page (see auth.start-page-referer${becauseOf(scanStopCause(obs))})`);
  // The page was reached from the 授权发起页 but refused what the TP put in its URL: no QR, no scan.
  if (obs.authorizationPage.error) {
    return check.fail(`Baidu's authorization page refused the TP's request (errno ${obs.authorizationPage.errno}), so there was no QR code to scan: ${obs.authorizationPage.error}. `
      + "The TP controls client_id (its Key), pre_auth_code (fresh from createpreauthcode, single use, 20 minutes) and redirect_uri (under its 授权发起页域名)");
  }
  if (!obs.qr.decoded) return check.fail(`the QR code on the authorization page could not be decoded: ${obs.qr.error ?? 'no reason recorded'}`);
  if (obs.mobile.error) return check.fail(`the phone could not confirm the authorization: ${obs.mobile.error}`);
  if (!obs.mobile.confirmed) return check.fail('the phone opened the QR code\'s page but the authorization was not confirmed');
});

test('the TP receives the authorization callback', asCheck('auth.callback-received'), async ({ run, check }) => {
  const obs = observations(run.runDir);
  check.evidence('callback', obs.callback);
  needsScan(obs);
  if (!obs.callback.reached) return check.fail(`the browser was not redirected to the TP's redirect_uri: ${obs.callback.error}`);
  if (!(Number(obs.callback.status) < 400)) return check.fail(`the TP answered its redirect_uri with HTTP ${obs.callback.status}: ${obs.callback.text}`);
});

test('the authorization code is exchanged within the budget', asCheck('auth.code-exchanged'), async ({ run, check }) => {
  const obs = observations(run.runDir);
  needsScan(obs);
  const calls = (await run.beforeProbes.calls('authprocess.getOAuthToken')).filter((c) => grantType(c) === 'app_to_tp_authorization_code');
  check.evidence('oauth/token (app_to_tp_authorization_code) calls', calls.map(({ seq, query, status, response, facts }) => ({ seq, query, status, response, facts })));
  const ok = calls.find((c) => succeeded(c) && c.facts.appId === obs.appId);
  if (!ok) {
    return check.fail(calls.length
      ? `the code exchange failed: ${calls.map(errorOf).join('; ')}`
      : `the TP never called /rest/2.0/oauth/token with grant_type=app_to_tp_authorization_code within ${run.config.exchangeBudgetMs} ms`);
  }
  if (!(Number(ok.facts.codeAgeMs) <= run.config.exchangeBudgetMs)) {
    return check.fail(`the code was exchanged ${ok.facts.codeAgeMs} ms after it was issued, over the ${run.config.exchangeBudgetMs} ms budget (PREFLIGHT_EXCHANGE_BUDGET_MS; the code itself lives 3600 s)`);
  }
});

test('the AUTHORIZED push is acknowledged with "success"', asCheck('auth.authorized-push-ack'), async ({ run, check }) => {
  const obs = observations(run.runDir);
  needsScan(obs);
  await judgePushesAcked(run, check, 'AUTHORIZED', (p) => p.event === 'AUTHORIZED' && p.facts.appId === obs.appId && p.facts.replayOf === undefined);
});

test('app/info is read with the authorizer token', asCheck('auth.app-info-read'), async ({ run, check }) => {
  const obs = observations(run.runDir);
  const tokenless = obs.appId ? await noAuthorizerToken(run, obs.appId) : `no app was authorized (see ${scanCheck(obs)})`;
  test.skip(!!tokenless, `needs an authorizer token: ${tokenless}`);
  const calls = (await run.beforeProbes.calls('authprocess.getAppInfo')).filter((c) => c.appId === obs.appId || c.appId === undefined);
  check.evidence('app/info calls', calls.map(({ seq, query, status, response }) => ({ seq, query, status, response })));
  const ok = calls.find(succeeded);
  if (!ok) return check.fail(calls.length ? `app/info failed: ${calls.map(errorOf).join('; ')}` : 'the TP never called /rest/2.0/smartapp/app/info to learn the granted permission sets (auth_info)');
});
