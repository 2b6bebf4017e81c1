// Judgements of the probes (issue 4 §3). Each reads the ledger between the marks the probes setup recorded.
import { test, asCheck, type CheckRecorder } from '../fixtures/index.ts';
import { isOrdinaryTicket, judgePushesAcked } from '../fixtures/judge.ts';
import { grantType, refusedForToken, succeeded, type CallEntry } from '../harness/detection/emulatorHandle.ts';
import { callView, explainCall, pushView } from '../harness/detection/evidence.ts';
import { loadObservations, type AuthorizationObservations, type ProbeObservations } from '../harness/detection/observations.ts';
import { noAuthorizerToken } from '../harness/detection/exercise.ts';
import { callbackAnswer, callbackRefused, whereScanStopped } from '../harness/detection/scan.ts';
import { unsupportedStatus, type ActionResult } from '../harness/detection/hook.ts';
import type { Run } from '../harness/detection/run.ts';

function probes(run: Run): ProbeObservations {
  test.skip(!run.config.probes, 'the probes are off (PREFLIGHT_PROBES=0)');
  const obs = loadObservations<ProbeObservations>(run.runDir, 'probes');
  if (!obs) throw new Error('the probes setup step recorded nothing (did it run?)');
  return obs;
}

async function between(run: Run, endpointId: string, from: number, to: number): Promise<CallEntry[]> {
  return (await run.emulator.calls(endpointId)).filter((c) => c.seq > from && c.seq <= to);
}

/**
 * Why the probes could not have the TP do an optional hook action (read-app-info unless said): there is no hook, it
 * does not implement the action (404/501), or it had hung before and was not asked again.
 */
function hookUnavailable(run: Run, r: ActionResult | undefined, action = 'read-app-info'): string | undefined {
  if (!run.tpUrls.hook) return `needs the hook's optional ${action} action (no TP_HOOK_URL)`;
  if (unsupportedStatus(r?.hookStatus)) return `needs the hook's optional ${action} action (the hook answered ${r?.hookStatus})`;
  if (r?.notAttempted) return `needs the hook's ${action} action, which was ${r.cause}`;
  if (r?.hung) return `needs the hook's ${action} action, and ${r.cause}`;
  return undefined;
}

/**
 * After a re-authorization: a call with the token from before it fails the check (a probe's failure only warns
 * without --strict, like an extended check's). Says whether it found one.
 */
function judgeStaleTokenUse(check: CheckRecorder, infos: CallEntry[], fix: string): boolean {
  const stale = infos.find((c) => c.facts.staleAuthorizerToken);
  if (!stale) return false;
  check.fail(infos.some((c) => c.seq > stale.seq && succeeded(c))
    ? `app/info call #${stale.seq} first used the stale token (gateway error 110) before recovering`
    : `app/info call #${stale.seq} used the authorizer token from before the re-authorization and the TP never recovered: ${fix}`);
  return true;
}

test('a push with a forged MsgSignature is not adopted', asCheck('probe.forged-push-ignored'), async ({ run, check }) => {
  const obs = probes(run);
  const { marks } = obs;
  const forged = (await run.emulator.pushes((p) => p.facts.probe === 'forged-signature')).filter((p) => p.seq > marks.forged!);
  const tokens = await between(run, 'authprocess.getTpToken', marks.forged!, marks.forgedDone!);
  check.evidence('forged ticket push', pushView(forged));
  check.evidence('tp/token calls after the TP token was revoked', callView(tokens));
  const adopted = tokens.find((c) => c.facts.ticket === 'forged');
  if (adopted) return check.fail(`tp/token call #${adopted.seq} used the ticket from a push whose MsgSignature was forged: the TP does not verify push signatures, so anyone can feed it tickets and events`);
  if (tokens.some(succeeded)) return;
  if (tokens.length) return check.fail(`after Baidu invalidated its TP token (gateway error 110) the TP asked for a new one but did not get it: ${explainCall(tokens.at(-1)!)}`);
  const opened = obs.forgedTrigger;
  // What the 授权发起页 did, as a verb phrase: "answered HTTP 410", "gave no answer (…)".
  const trigger = !opened ? 'was not opened' : opened.status !== null ? `answered HTTP ${opened.status}` : `gave no answer (${opened.error ?? 'no response'})`;
  // The TP met the revocation only if a call of its was refused for its TP token (gateway 110/111).
  const refused = (await run.emulator.ledger()).filter((e): e is CallEntry => e.dir === 'in' && e.seq > marks.forged! && e.seq <= marks.forgedDone! && refusedForToken(e));
  check.evidence('calls refused for their TP token meanwhile', callView(refused));
  if (!refused.length) {
    // The 授权发起页 is the trigger. A deliberate answer that called no Baidu API (a 404, a 410 "link used") proves
    // nothing; a page that worked for the scan and broke after the forged push (5xx, no answer) is the TP's doing.
    const scanStart = loadObservations<AuthorizationObservations>(run.runDir, 'authorization')?.startPage;
    const broken = !!opened && (opened.status === null || opened.status >= 500);
    const brokeAfterPush = broken && !!scanStart && scanStart.status !== null && !scanStart.error;
    if (brokeAfterPush) {
      return check.fail(`after a push with a forged MsgSignature the 授权发起页 ${trigger} without calling Baidu, though it worked for the scan: `
        + 'a push that does not verify must be refused, and must not break the TP');
    }
    // No use of a ticket to observe; the TP's own answer is the evidence left: a 4xx to the forged push while it
    // acknowledged Baidu's genuine ticket right after (so not a wrong URL or a broken endpoint) is a refusal.
    const refusal = forged.find((p) => p.status !== null && p.status >= 400 && p.status < 500);
    const genuineAcked = refusal && (await run.emulator.pushes((p) => p.seq > marks.forgedDone! && p.event === 'ticket' && p.url === refusal.url && p.facts.probe === undefined && p.outcome === 'ok')).length > 0;
    if (genuineAcked) {
      return check.evidence('judged by', `no ticket use could be observed (the 授权发起页 ${trigger} without calling Baidu); `
        + `the TP refused the forged push itself (HTTP ${refusal!.status}) and acknowledged the genuine ticket after it`);
    }
    test.skip(true, `cannot tell whether the TP would adopt a forged ticket: the 授权发起页 ${trigger} without calling Baidu, so nothing made the TP need a new TP token`);
  }
  // Nothing to judge: say so, and why, rather than blame signature checking the TP may well do.
  check.fail(`cannot tell whether the TP would adopt a forged ticket: after Baidu invalidated its TP token (gateway error 110) and the `
    + `授权发起页 was opened (it ${trigger}), the TP asked for no new TP token — a TP should get a new one when Baidu answers 110`);
});

test('a ticket sealed with the TP\'s other identity after the message is adopted', asCheck('probe.push-identifier-tolerant'), async ({ run, check }) => {
  const obs = probes(run);
  const { marks } = obs;
  const other = obs.identifier!;
  const pushed = (await run.emulator.pushes((p) => p.facts.probe === 'identifier')).filter((p) => p.seq > marks.identifier!);
  // The forged-push probe's trigger made the TP fetch a TP token: which ticket it used says which one it kept.
  const tokens = await between(run, 'authprocess.getTpToken', marks.identifier!, marks.forgedDone!);
  check.evidence(`ticket push sealed with the ${other}`, pushView(pushed));
  check.evidence('tp/token calls after the TP token was revoked', callView(tokens));
  const push = pushed[0];
  if (!push) throw new Error('the probes setup sent no ticket sealed with the other identifier');
  // A TP that mishandles every ticket would be blamed here for the identifier: its ordinary tickets, before the
  // probes, are judged first, by the checks that own them.
  const ordinary = await run.beforeProbes.pushes(isOrdinaryTicket);
  test.skip(ordinary.some((p) => p.outcome !== 'ok'), 'cannot tell: the TP did not acknowledge its ordinary ticket pushes either (see auth.ticket-ack)');
  const stale = (await run.beforeProbes.calls('authprocess.getTpToken')).some((c) => c.facts.staleTicket || c.facts.ticket !== undefined);
  test.skip(stale, 'cannot tell: the TP did not keep its newest ordinary ticket either (see auth.tp-token-newest-ticket)');
  const why = `Baidu does not document whether the ${other === 'tpAppId' ? 'numeric tpAppId or the client_id' : 'client_id or the numeric tpAppId'} follows the message in a push `
    + '(reference §2.4; its demo calls it clientId, its samples are numeric): decrypt and verify the MsgSignature, and do not depend on the identifier';
  if (push.outcome !== 'ok') return check.fail(`the TP did not acknowledge ticket push #${push.seq}, a genuine one sealed with its ${other} after the message: ${push.cause}. ${why}`);
  const ticketSeq = push.facts.ticketSeq as number;
  // Its first TP-token call after the push reached it (one racing the push's delivery rightly used the ticket before).
  const kept = tokens.find((c) => c.seq > push.seq && c.facts.ticketSeq !== undefined);
  if (!kept) {
    const forged = tokens.some((c) => c.seq > push.seq && c.facts.ticket === 'forged');
    test.skip(true, forged
      ? 'cannot tell: the TP adopted the forged ticket pushed after it (see probe.forged-push-ignored)'
      : 'cannot tell: nothing made the TP fetch a new TP token after it (see probe.forged-push-ignored)');
  }
  if ((kept!.facts.ticketSeq as number) < ticketSeq) {
    return check.fail(`tp/token call #${kept!.seq} used an older ticket than the one in push #${push.seq}, which the TP acknowledged with "success" but did not adopt: `
      + `that push was sealed with the TP's ${other} after the message. ${why}`);
  }
});

test('a replayed push is acknowledged but not acted on twice', asCheck('probe.replayed-push-idempotent'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId || obs.marks.replay === undefined, obs.skipped ?? 'no AUTHORIZED push to replay');
  const replayed = await run.emulator.pushes((p) => p.facts.replayOf === obs.marks.replayOf);
  const exchanges = (await between(run, 'authprocess.getOAuthToken', obs.marks.replay!, obs.marks.replayDone!)).filter((c) => grantType(c) === 'app_to_tp_authorization_code');
  check.evidence('replayed AUTHORIZED push', pushView(replayed));
  check.evidence('code exchanges after the replay', callView(exchanges));
  if (exchanges.length) check.fail(`the TP exchanged the authorization code again after a replayed AUTHORIZED push (call #${exchanges[0]!.seq}, ${JSON.stringify(exchanges[0]!.response)}): dedupe pushes, Baidu retries them`);
  else if (replayed.some((p) => p.outcome !== 'ok')) check.fail(`the replayed push was not acknowledged with "success" (${replayed[0]!.cause}); Baidu keeps retrying pushes that are not`);
});

test('a read refused by a transient Baidu error is tried again', asCheck('probe.transient-error-retried'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId, obs.skipped ?? 'no authorized app');
  const asked = obs.hook.transient;
  const unavailable = hookUnavailable(run, asked);
  test.skip(!!unavailable, unavailable!);
  // No token, no call for the error to answer: the one cause is judged by auth.code-exchanged.
  const tokenless = await noAuthorizerToken(run, obs.appId!, run.emulator.upTo(obs.marks.transient));
  test.skip(!!tokenless, `needs an authorizer token: ${tokenless}`);
  const { transient, transientDone } = obs.marks;
  const calls = (await run.emulator.ledger()).filter((e): e is CallEntry => e.dir === 'in' && e.appId === obs.appId && e.seq > transient! && e.seq <= transientDone!);
  check.evidence('read-app-info (hook)', asked);
  check.evidence(`calls for app ${obs.appId} meanwhile`, callView(calls));
  const hit = calls.find((c) => c.facts.injected === 'transient');
  test.skip(!hit, `the TP made no call for app ${obs.appId} when its hook was asked to read app/info, so no transient error reached it`);
  if (calls.some((c) => c.seq > hit!.seq && c.endpointId === hit!.endpointId && succeeded(c))) return;
  const answered = asked?.hookStatus !== undefined ? `; its hook then answered HTTP ${asked.hookStatus}` : '';
  check.fail(`the TP gave up after Baidu answered call #${hit!.seq} (${hit!.method} ${hit!.path}) with gateway error 2, "Service temporarily unavailable": `
    + `the error is transient — try a read again after a short pause (gateway errors 2 and 4, errno 500, 501 and 5000)${answered}`);
});

test('an early-expired authorizer token is refreshed once', asCheck('probe.refresh-single-flight'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId, obs.skipped ?? 'no authorized app');
  // No token, nothing to refresh: the one cause is judged by auth.code-exchanged.
  // As the probe began: a replayed push or a callback may have brought the TP its first token since.
  const tokenless = await noAuthorizerToken(run, obs.appId!, run.emulator.upTo(obs.marks.expire));
  test.skip(!!tokenless, `needs an authorizer token: ${tokenless}`);
  const refreshes = (await between(run, 'authprocess.getOAuthToken', obs.marks.expire!, obs.marks.expireDone!)).filter((c) => grantType(c) === 'app_to_tp_refresh_token');
  check.evidence('hook read-app-info ×2 (concurrent)', { first: obs.hook.concurrent1, second: obs.hook.concurrent2 });
  check.evidence('refresh calls', callView(refreshes));
  // Judged when either concurrent use got through the hook (or the TP refreshed anyway).
  const hookless = hookUnavailable(run, obs.hook.concurrent1) && hookUnavailable(run, obs.hook.concurrent2);
  test.skip(!!hookless && !refreshes.length, hookless || undefined);
  const reused = refreshes.find((c) => c.facts.reusedRefreshToken);
  if (reused) return check.fail(`refresh call #${reused.seq} reused a refresh token that had already been spent (Baidu refresh tokens are single use): concurrent refreshes must share one call`);
  const ok = refreshes.filter(succeeded).length;
  if (ok === 0 && refreshes.length) return check.fail(`no refresh succeeded after the token expired: ${explainCall(refreshes.at(-1)!)}`);
  if (ok !== 1) check.fail(`expected exactly one successful refresh after the token expired, saw ${ok}`);
});

test('after UPDATE_AUTHORIZED the TP stops using the stale token', asCheck('probe.reauthorization'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId, obs.skipped ?? 'no authorized app');
  const tokenless = await noAuthorizerToken(run, obs.appId!, run.emulator.upTo(obs.marks.reauth));
  test.skip(!!tokenless, `needs an authorizer token to go stale: ${tokenless}`);
  const pushes = (await run.emulator.pushes((p) => p.event === 'UPDATE_AUTHORIZED')).filter((p) => p.seq > obs.marks.reauth!);
  const infos = await between(run, 'authprocess.getAppInfo', obs.marks.reauth!, obs.marks.reauthDone!);
  check.evidence('UPDATE_AUTHORIZED push', pushView(pushes));
  check.evidence('app/info calls after the re-authorization', callView(infos));
  check.evidence('hook read-app-info', obs.hook.afterReauth);
  const unsupported = hookUnavailable(run, obs.hook.afterReauth);
  test.skip(!!unsupported && !infos.length, unsupported);
  if (judgeStaleTokenUse(check, infos, 'exchange the new authorizationCode from UPDATE_AUTHORIZED')) return;
  if (!infos.some(succeeded)) check.fail('no successful app/info call after the re-authorization');
});

test('a re-authorization that pushes nothing: the code from the callback is exchanged', asCheck('probe.silent-reauthorization'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId || !obs.silentReauth || obs.marks.silentReauthDone === undefined, obs.skipped ?? 'the probes stopped before this one');
  const { silentReauth: from, silentReauthDone: to } = obs.marks as Record<string, number>;
  const { scan, generation, event, screenshots } = obs.silentReauth!;
  const exchanges = (await between(run, 'authprocess.getOAuthToken', from, to)).filter((c) => grantType(c) === 'app_to_tp_authorization_code');
  const infos = await between(run, 'authprocess.getAppInfo', from, to);
  check.evidence('the admin\'s second scan, with the permission sets of the first (the emulator, like WeChat, pushes nothing when they did not change)', { ...scan, generation, event });
  for (const s of screenshots) await test.info().attach(s.name, { path: s.path, contentType: 'image/png' }).catch(() => {});
  check.evidence('pushes to the TP meanwhile', pushView(await run.emulator.pushes((p) => p.seq > from && p.seq <= to && p.facts.appId === obs.appId)));
  check.evidence('code exchanges after the callback', callView(exchanges));
  check.evidence('app/info calls afterwards', callView(infos));
  check.evidence('hook read-app-info', obs.hook.afterSilentReauth);
  const again = 'An admin re-authorizes the same way (to change permission sets, or after a token was lost)';
  // The QR and the phone are Baidu's pages and the harness's taps: a stop there is not the TP's doing.
  if (scan.qr.error || scan.mobile.error) throw new Error(`harness: the second scan stopped ${whereScanStopped(scan)}`);
  if (scan.startPage.error) return check.fail(`the admin's second scan stopped ${whereScanStopped(scan)}. ${again}: the 授权发起页 must work more than once`);
  if (scan.authorizationPage.error) {
    return check.fail(`the admin's second scan stopped ${whereScanStopped(scan)}. ${again}: `
      + 'the 授权发起页 must send a fresh pre_auth_code each time, with a redirect_uri under the 授权发起页域名');
  }
  if (generation === null) throw new Error('harness: the second scan was confirmed on the phone, yet the emulator\'s ledger shows no code it issued');
  if (event !== null) throw new Error(`harness: the second scan was to keep the permission sets of the first, yet the emulator pushed ${event}`);
  // Only the code of this re-authorization (or one 找回授权码 issued after it) can still be exchanged.
  if (!exchanges.some((c) => succeeded(c) && c.facts.codeGeneration === generation)) {
    const { callback } = scan;
    if (callbackRefused(scan)) {
      return check.fail(`the TP refused the re-authorization's callback: it answered HTTP ${callback.status}${callback.text ? ` (page text: ${callback.text.replace(/\s+/g, ' ').trim().slice(0, 120)})` : ''}, `
        + `so the new authorization code it carried was never exchanged. ${again}: the callback must accept each new code, not only the first`);
    }
    if (!callback.reached) return check.fail(`the re-authorization's callback got ${callbackAnswer(scan)}, and the TP did not exchange the code it carried within ${run.config.exchangeBudgetMs} ms`);
    return check.fail(exchanges.length
      ? `the TP did not get a token for the re-authorization: ${explainCall(exchanges.at(-1)!)}`
      : 'the app was re-authorized with the same permission sets and no UPDATE_AUTHORIZED was pushed (the emulator follows WeChat here; Baidu\'s rule is unknown); '
        + `its callback (${callbackAnswer(scan)}) brought the new authorization code, and the TP never exchanged it within ${run.config.exchangeBudgetMs} ms. `
        + 'Exchange the code the callback brings, not only pushed ones: the token from before the re-authorization no longer works');
  }
  judgeStaleTokenUse(check, infos, 'exchange the code the callback brings');
});

test('after a restart the TP calls Baidu without waiting for a new ticket', asCheck('probe.restart-keeps-credentials'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId, obs.skipped ?? 'no authorized app');
  const restarted = obs.hook.restart;
  const unavailable = hookUnavailable(run, obs.hook.beforeRestart) ?? hookUnavailable(run, restarted, 'restart');
  test.skip(!!unavailable, unavailable!);
  // Nothing to keep without a token: the one cause is judged by auth.code-exchanged.
  const tokenless = await noAuthorizerToken(run, obs.appId!, run.emulator.upTo(obs.marks.restart));
  test.skip(!!tokenless, `needs an authorizer token to keep: ${tokenless}`);
  // A TP that could not read before the restart either: an earlier fault's doing, which its own probe judges.
  const before = obs.hook.beforeRestart;
  test.skip(before?.outcome !== 'done', `cannot tell: the TP could not read app/info before the restart either (${before?.cause ?? `HTTP ${before?.hookStatus}`})`);
  const { restart, restartDone } = obs.marks;
  const entries = (await run.emulator.ledger()).filter((e) => e.seq > restart! && e.seq <= restartDone!);
  const calls = entries.filter((e): e is CallEntry => e.dir === 'in');
  check.evidence('read-app-info before the restart (hook)', before);
  check.evidence('restart (hook)', restarted);
  check.evidence('read-app-info after the restart, its token expired at Baidu (hook)', obs.hook.afterRestart);
  check.evidence('calls after the restart, before any new ticket', callView(calls));
  if (restarted!.outcome !== 'done') return check.fail(`the TP's hook did not restart it: ${restarted!.cause ?? `HTTP ${restarted!.hookStatus}`}`);
  // A ticket Baidu pushed meanwhile (a short PREFLIGHT_TICKET_INTERVAL_S) would let a TP that kept nothing recover.
  const ticket = entries.find((e) => e.dir === 'push' && e.event === 'ticket');
  test.skip(!!ticket, `cannot tell: Baidu pushed a ticket (#${ticket?.seq}) while the restarted TP was asked to read, so it needed nothing it had kept`);
  const refreshed = calls.find((c) => c.endpointId === 'authprocess.getOAuthToken' && grantType(c) === 'app_to_tp_refresh_token' && succeeded(c));
  const read = refreshed && calls.find((c) => c.endpointId === 'authprocess.getAppInfo' && c.appId === obs.appId && succeeded(c) && c.seq > refreshed.seq);
  const after = obs.hook.afterRestart;
  if (refreshed && read && after?.outcome === 'done') return;
  const said = after?.outcome === 'done'
    ? 'its hook answered that it read app/info, but no refreshed token read it at Baidu'
    : after?.cause ?? (after?.hookStatus !== undefined ? `its hook answered HTTP ${after.hookStatus}` : 'its hook was not asked');
  const tried = calls.length ? `; its calls: ${calls.map((c) => `#${c.seq} ${c.path} ${succeeded(c) ? 'ok' : explainCall(c)}`).join('; ')}` : ', and it called nothing';
  check.fail(`after a restart, with its authorizer token expired at Baidu, the TP could not refresh it and read app/info for app ${obs.appId} until Baidu's next ticket (up to 10 minutes): ${said}${tried}. `
    + 'Keep the newest ticket (or the TP token) and each app\'s refresh token outside the process — a lost refresh token means the admin must authorize again');
});

test('the UNAUTHORIZED push is acknowledged', asCheck('probe.unauthorized-ack'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId, obs.skipped ?? 'no authorized app');
  await judgePushesAcked(run, check, 'UNAUTHORIZED', (p) => p.event === 'UNAUTHORIZED' && p.seq > obs.marks.unauth!, run.emulator);
});
