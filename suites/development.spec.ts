// 开发管理权限 (development management). Baidu's detection: a package was uploaded for an authorized test app —
// package/upload, or the developer tool (定制开发) — and package/submitaudit has ever succeeded (reference §7.1.3).
// Extended checks (WARNING unless --strict) cover the rest of the lifecycle a TP gets wrong in production.
import { test, asCheck } from '../fixtures/index.ts';
import { CheckFailure } from '../harness/detection/checks.ts';
import { judgeEverSucceeded, judgePushesAcked, needsApp, needsEarlier, optionalActionSkipped } from '../fixtures/judge.ts';
import { succeeded } from '../harness/detection/emulatorHandle.ts';
import { callView, explainCall } from '../harness/detection/evidence.ts';
import { exerciseObservations, packageUploaded, successfulCalls, type ExerciseObservations } from '../harness/detection/exercise.ts';
import type { Run } from '../harness/detection/run.ts';
import { uploadFinished } from '../harness/baidu/packageStatus.ts';

test('a code package is uploaded for an authorized test app', asCheck('dev.package-upload'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'development');
  // Baidu counts a package submitted with the developer tool (定制开发) as well as package/upload (§7.1.3).
  const tool = await run.beforeProbes.ideUploads(run.config.tp.clientId, needsApp(obs));
  const uploaded = tool.filter((e) => e.status === 200);
  if (uploaded.length) return check.evidence('developer tool uploads (定制开发)', uploaded);
  if (tool.length) check.evidence('developer tool uploads (定制开发), refused', tool);
  try {
    await judgeEverSucceeded(run, check, obs, 'pkg.uploadPackage', 'upload-package');
  } catch (e) {
    // Only the check's verdict gets the developer tool's part; a skip (could not run) goes on as it is.
    if (!(e instanceof CheckFailure)) throw e;
    const refused = tool.at(-1);
    return check.fail(`${e.message}; ${refused
      ? `the developer tool's upload was refused too (errno ${refused.errno}: ${refused.facts.why})`
      : 'nor was a package uploaded with the developer tool (定制开发), which Baidu counts as well'}`);
  }
});

test('package/submitaudit succeeds', asCheck('dev.submit-audit'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'development');
  const appId = needsApp(obs);
  const uploaded = await packageUploaded(run, run.beforeProbes, appId);
  test.skip(!uploaded && obs.actions['upload-package']?.outcome !== 'waiting', needsEarlier(obs, 'upload-package', 'an uploaded package (package/upload or the developer tool)', 'dev.package-upload'));
  // package/upload's ext_json.directCommit also submits for audit, but the rule Baidu documents names package/submitaudit.
  const direct = (await successfulCalls(run.beforeProbes, 'pkg.uploadPackage', appId)).find((c) => c.facts.directCommit === true);
  try {
    await judgeEverSucceeded(run, check, obs, 'pkg.submitPackageAudit', 'submit-audit');
  } catch (e) {
    if (!direct || !(e instanceof CheckFailure)) throw e;
    const tried = (await run.beforeProbes.calls('pkg.submitPackageAudit')).some((c) => c.appId === appId);
    return check.fail(`${e.message}; the TP submitted with package/upload's ext_json.directCommit (call #${direct.seq})${tried ? '' : ' instead'} — `
      + "Baidu's documented rule names package/submitaudit, and whether a directCommit counts is not documented: "
      + 'upload once without directCommit and submit that package with package/submitaudit');
  }
});

test('the audit quota is read before submitting', asCheck('dev.audit-quota-read'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'development');
  const appId = needsApp(obs);
  const submit = (await successfulCalls(run.beforeProbes, 'pkg.submitPackageAudit', appId))[0];
  test.skip(!submit, needsEarlier(obs, 'submit-audit', 'a successful package/submitaudit', 'dev.submit-audit'));
  const quota = (await run.beforeProbes.calls('pkg.getPackageSubmitAuditQuota')).filter((c) => c.appId === appId && c.seq < submit!.seq);
  check.evidence('package/auditquota calls before the submission', callView(quota));
  if (!quota.some(succeeded)) check.fail(`package/submitaudit (#${submit!.seq}) was called without reading package/auditquota first: a TP that submits blindly burns its weekly quota (69013)`);
});

test('the upload state is followed with package/get, not guessed', asCheck('dev.package-state-followed'), async ({ run, check }) => {
  const appId = needsApp(exerciseObservations(run, 'development'));
  const upload = (await successfulCalls(run.beforeProbes, 'pkg.uploadPackage', appId))[0];
  const submit = (await successfulCalls(run.beforeProbes, 'pkg.submitPackageAudit', appId))[0];
  // The package submitted came from the developer tool: there at once, nothing asynchronous to follow or get wrong.
  if (submit && (await run.beforeProbes.ideUploads(run.config.tp.clientId, appId)).some((e) => e.status === 200 && e.facts.packageId === submit.facts.packageId)) {
    return check.evidence('judged by', `the package submitted (#${submit.seq}) came from the developer tool (定制开发), not from package/upload: there was no asynchronous upload to follow`);
  }
  test.skip(!upload || !submit, 'needs a successful upload and submission');
  const polls = (await run.beforeProbes.calls('pkg.getPackage')).filter((c) => c.appId === appId && c.seq > upload!.seq && c.seq < submit!.seq && succeeded(c));
  check.evidence('package/get calls between upload and submit', callView(polls));
  const sawDone = polls.some((c) => ((c.response as { data?: { package_id: number; upload_status: number }[] }).data ?? [])
    .some((p) => p.package_id === submit!.facts.packageId && uploadFinished(p)));
  if (!sawDone) check.fail('the TP submitted the package without package/get ever showing its upload finished (upload_status neither 1 uploading nor 3 failed): package/upload is asynchronous (~3 s on Baidu)');
});

/** Skips a check that stands on a successful package/submitaudit for the app when there was none. */
async function needsSubmission(run: Run, obs: ExerciseObservations, appId: number): Promise<void> {
  const submitted = (await successfulCalls(run.beforeProbes, 'pkg.submitPackageAudit', appId)).length > 0;
  test.skip(!submitted, needsEarlier(obs, 'submit-audit', 'a successful package/submitaudit', 'dev.submit-audit'));
}

test('the audit result push is acknowledged with "success"', asCheck('dev.audit-push-ack'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'development');
  const appId = needsApp(obs);
  await needsSubmission(run, obs, appId);
  await judgePushesAcked(run, check, 'PACKAGE_AUDIT_PASS/FAIL', (p) => p.event.startsWith('PACKAGE_AUDIT_') && p.facts.appId === appId);
});

test('the package is released only after the audit passed', asCheck('dev.release-after-audit'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'development');
  const appId = needsApp(obs);
  const releases = (await run.beforeProbes.calls('pkg.releasePackage')).filter((c) => c.appId === appId);
  check.evidence('release (hook)', obs.actions.release);
  check.evidence('package/release calls', callView(releases));
  const early = releases.find((c) => c.facts.releasedBeforePass);
  if (early) return check.fail(`package/release (#${early.seq}) was called for package ${early.facts.packageId} before its audit passed (Baidu answers 69012); wait for PACKAGE_AUDIT_PASS`);
  if (!releases.some(succeeded)) {
    await needsSubmission(run, obs, appId);
    if (obs.actions.release?.outcome === 'waiting') return check.waiting(obs.actions.release.cause ?? 'waiting for the release');
    check.fail(`no successful package/release after the audit passed${obs.actions.release?.cause ? `: ${obs.actions.release.cause}` : ''}`);
  }
});

test('a submission under review can be withdrawn', asCheck('dev.withdraw-audit'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'development');
  const appId = needsApp(obs);
  const act = obs.actions['withdraw-audit'];
  const calls = (await run.beforeProbes.calls('pkg.withdrawPackageAudit')).filter((c) => c.appId === appId);
  check.evidence('withdraw-audit (hook)', act);
  check.evidence('package/withdraw calls', callView(calls));
  test.skip(!calls.length && (act?.outcome === 'waiting' || !!act?.notAttempted), optionalActionSkipped(run, 'withdraw-audit', act));
  if (!calls.length) await needsSubmission(run, obs, appId);
  if (calls.some(succeeded)) return;
  if (calls.length) return check.fail(`package/withdraw failed: ${explainCall(calls.at(-1)!)}`);
  // What is withdrawn is the second version's submission: when that did not get done, it is the cause.
  const second = obs.actions['submit-audit#2'];
  if (second && second.outcome !== 'done') return check.fail(`the second version's submission (submit-audit#2) did not get done, so nothing was under review to withdraw: ${second.cause ?? second.outcome}`);
  check.fail(`the TP never called package/withdraw${act?.cause ? `: ${act.cause}` : ''}`);
});

test('a release can be rolled back to the previous version', asCheck('dev.rollback'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'development');
  const appId = needsApp(obs);
  const act = obs.actions.rollback;
  const calls = (await run.beforeProbes.calls('pkg.rollbackPackage')).filter((c) => c.appId === appId);
  check.evidence('rollback (hook)', act);
  check.evidence('package/rollback calls', callView(calls));
  test.skip(!calls.length && (act?.outcome === 'waiting' || !!act?.notAttempted), optionalActionSkipped(run, 'rollback', act));
  // Rolling back needs two releases: the first version's (judged by dev.release-after-audit) and the second's.
  const releases = (await successfulCalls(run.beforeProbes, 'pkg.releasePackage', appId)).length;
  test.skip(!calls.length && !releases, needsEarlier(obs, 'release', 'a successful package/release', 'dev.release-after-audit'));
  if (calls.some(succeeded)) return;
  const second = obs.actions['release#2'];
  if (releases < 2) {
    return check.fail(`the second version was never released${second?.cause ? ` (release#2: ${second.cause})` : ''}, so there was no previous version to roll back to`
      + (calls.length ? `; package/rollback: ${explainCall(calls.at(-1)!)}` : ''));
  }
  check.fail(calls.length ? `package/rollback failed: ${explainCall(calls.at(-1)!)}` : `the TP never called package/rollback${act?.cause ? `: ${act.cause}` : ''}`);
});
