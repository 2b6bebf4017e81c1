// Judgements of the probes (issue 4 §3). Each reads the ledger between the marks the probes setup recorded.
import { test, asCheck } from '../fixtures/index.ts';
import { judgePushesAcked } from '../fixtures/judge.ts';
import { succeeded, type CallEntry } from '../harness/detection/emulatorHandle.ts';
import { callView, pushView } from '../harness/detection/evidence.ts';
import { loadObservations, type ProbeObservations, saveObservations } from '../harness/detection/observations.ts';
import type { Run } from '../harness/detection/run.ts';
import { authorizedApp } from '../harness/detection/exercise.ts';
import { performAction } from '../harness/detection/hook.ts';

// The faults are injected first, in this file's worker; the checks below judge the ledger between the recorded marks.
test.describe.configure({ mode: 'default' });

test('setup: inject faults into the TP', { tag: ['@probe'] }, async ({ run }) => {
  const { config, emulator } = run;
  const clientId = config.tp.clientId;
  const { appId, why } = authorizedApp(run);
  const obs: ProbeObservations = { appId, skipped: why, marks: {}, hook: {} };
  const mark = async (name: string) => void (obs.marks[name] = (await emulator.ledger()).at(-1)?.seq ?? 0);
  const hook = async (name: string) => performAction({
    hookUrl: run.tpUrls.hook, action: 'read-app-info', appId: appId!, waitS: 0, satisfied: async () => false,
    instructions: 'read app/info for the app (optional hook action used by probes)', log: () => {},
  }).then((r) => r, (e: Error) => ({ action: 'read-app-info', outcome: 'error' as const, cause: e.message, durationMs: 0 })).then((r) => void (obs.hook[name] = r));
  try {
    await test.step('forged ticket push, then the TP must fetch a new TP token', async () => {
      await mark('forged');
      await emulator.probe('push/forged-ticket', { clientId });
      await emulator.probe('tp/revoke-tokens', { clientId });
      // Anything needing a TP token will do; the 授权发起页 asks for a pre-auth code.
      await fetch(run.tpUrls.authStart, { headers: { referer: new URL(run.tpUrls.authStart).origin + '/' }, signal: AbortSignal.timeout(10_000) }).catch(() => {});
      await mark('forgedDone');
    });
    if (!appId) return;

    await test.step('replay the AUTHORIZED push', async () => {
      const authorized = (await emulator.pushes((p) => p.event === 'AUTHORIZED' && p.facts.appId === appId)).at(-1);
      if (!authorized) return;
      await mark('replay');
      obs.marks.replayOf = authorized.seq;
      await emulator.replay(authorized.seq);
      await new Promise((r) => setTimeout(r, 500));
      await emulator.idle();
      await mark('replayDone');
    });

    await test.step('expire the authorizer token early; two concurrent uses', async () => {
      await mark('expire');
      await emulator.probe('app/expire-token', { clientId, appId });
      await Promise.all([hook('concurrent1'), hook('concurrent2')]);
      await mark('expireDone');
    });

    await test.step('re-authorize (UPDATE_AUTHORIZED with a new code)', async () => {
      await mark('reauth');
      await emulator.probe('app/reauthorize', { clientId, appId });
      await hook('afterReauth');
      await mark('reauthDone');
    });

    await test.step('cancel the authorization (UNAUTHORIZED)', async () => {
      await mark('unauth');
      await emulator.probe('app/unauthorize', { clientId, appId });
      await mark('unauthDone');
    });
  } finally {
    saveObservations(run.runDir, 'probes', obs);
  }
});

function probes(run: Run): ProbeObservations {
  const obs = loadObservations<ProbeObservations>(run.runDir, 'probes');
  if (!obs) throw new Error('the probes setup step recorded nothing (did it run?)');
  return obs;
}

async function between(run: Run, endpointId: string, from: number, to: number): Promise<CallEntry[]> {
  return (await run.emulator.calls(endpointId)).filter((c) => c.seq > from && c.seq <= to);
}

test('a push with a forged MsgSignature is not adopted', asCheck('probe.forged-push-ignored'), async ({ run, check }) => {
  const { marks } = probes(run);
  const forged = (await run.emulator.pushes((p) => p.facts.probe === 'forged-signature')).filter((p) => p.seq > marks.forged!);
  const tokens = await between(run, 'authprocess.getTpToken', marks.forged!, marks.forgedDone!);
  check.evidence('forged ticket push', pushView(forged));
  check.evidence('tp/token calls after the TP token was revoked', callView(tokens));
  const adopted = tokens.find((c) => c.facts.ticket === 'forged');
  if (adopted) throw new Error(`tp/token call #${adopted.seq} used the ticket from a push whose MsgSignature was forged: the TP does not verify push signatures, so anyone can feed it tickets and events`);
  if (!tokens.some(succeeded)) check.fail('after Baidu invalidated its TP token (gateway error 110) the TP did not get a new one with its newest genuine ticket');
});

test('a replayed push is acknowledged but not acted on twice', asCheck('probe.replayed-push-idempotent'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId || obs.marks.replay === undefined, obs.skipped ?? 'no AUTHORIZED push to replay');
  const replayed = await run.emulator.pushes((p) => p.facts.replayOf === obs.marks.replayOf);
  const exchanges = (await between(run, 'authprocess.getOAuthToken', obs.marks.replay!, obs.marks.replayDone!)).filter((c) => c.facts.grantType === 'app_to_tp_authorization_code');
  check.evidence('replayed AUTHORIZED push', pushView(replayed));
  check.evidence('code exchanges after the replay', callView(exchanges));
  if (exchanges.length) check.fail(`the TP exchanged the authorization code again after a replayed AUTHORIZED push (call #${exchanges[0]!.seq}, ${JSON.stringify(exchanges[0]!.response)}): dedupe pushes, Baidu retries them`);
  else if (replayed.some((p) => p.outcome !== 'ok')) check.fail(`the replayed push was not acknowledged with "success" (${replayed[0]!.cause}); Baidu keeps retrying pushes that are not`);
});

test('an early-expired authorizer token is refreshed once', asCheck('probe.refresh-single-flight'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId, obs.skipped ?? 'no authorized app');
  const refreshes = (await between(run, 'authprocess.getOAuthToken', obs.marks.expire!, obs.marks.expireDone!)).filter((c) => c.facts.grantType === 'app_to_tp_refresh_token');
  check.evidence('hook read-app-info ×2 (concurrent)', { first: obs.hook.concurrent1, second: obs.hook.concurrent2 });
  check.evidence('refresh calls', callView(refreshes));
  const hookless = [obs.hook.concurrent1, obs.hook.concurrent2].every((h) => (h as { outcome?: string })?.outcome !== 'done');
  test.skip(hookless && !refreshes.length, "needs the hook's optional read-app-info action to make the TP use its token");
  const reused = refreshes.find((c) => c.facts.reusedRefreshToken);
  if (reused) throw new Error(`refresh call #${reused.seq} reused a refresh token that had already been spent (Baidu refresh tokens are single use): concurrent refreshes must share one call`);
  if (refreshes.filter(succeeded).length !== 1) check.fail(`expected exactly one successful refresh after the token expired, saw ${refreshes.filter(succeeded).length}`);
});

test('after UPDATE_AUTHORIZED the TP stops using the stale token', asCheck('probe.reauthorization'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId, obs.skipped ?? 'no authorized app');
  const pushes = (await run.emulator.pushes((p) => p.event === 'UPDATE_AUTHORIZED')).filter((p) => p.seq > obs.marks.reauth!);
  const infos = await between(run, 'authprocess.getAppInfo', obs.marks.reauth!, obs.marks.reauthDone!);
  check.evidence('UPDATE_AUTHORIZED push', pushView(pushes));
  check.evidence('app/info calls after the re-authorization', callView(infos));
  check.evidence('hook read-app-info', obs.hook.afterReauth);
  test.skip((obs.hook.afterReauth as { outcome?: string })?.outcome !== 'done' && !infos.length, "needs the hook's optional read-app-info action");
  const stale = infos.find((c) => c.facts.staleAuthorizerToken);
  if (stale && !infos.some((c) => c.seq > stale.seq && succeeded(c))) {
    throw new Error(`app/info call #${stale.seq} used the authorizer token from before the re-authorization and the TP never recovered: exchange the new authorizationCode from UPDATE_AUTHORIZED`);
  }
  if (stale) check.fail(`app/info call #${stale.seq} first used the stale token (gateway error 110) before recovering`);
  if (!infos.some(succeeded)) check.fail('no successful app/info call after the re-authorization');
});

test('the UNAUTHORIZED push is acknowledged', asCheck('probe.unauthorized-ack'), async ({ run, check }) => {
  const obs = probes(run);
  test.skip(!obs.appId, obs.skipped ?? 'no authorized app');
  await judgePushesAcked(run, check, 'UNAUTHORIZED', (p) => p.event === 'UNAUTHORIZED' && p.seq > obs.marks.unauth!);
});
