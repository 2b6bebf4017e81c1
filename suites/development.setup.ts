// 开发管理权限, exercised (a setup step the checks in development.spec.ts depend on: a rerun of one of them with -g
// runs it, a rerun of another set's check skips it). The TP uploads a package for the authorized app,
// submits it, releases it once the audit passed, then a second version exercises withdraw and rollback.
import { asSetupStep, test as setup } from '../fixtures/index.ts';
import { exercise, packageUploaded, successfulCalls, until } from '../harness/detection/exercise.ts';

setup('the TP develops code for the authorized app', asSetupStep('development'), async ({ run }) => {
  const count = async (id: string, appId: number) => (await successfulCalls(run.emulator, id, appId)).length;
  const ok = (id: string) => async (appId: number) => (await count(id, appId)) > 0;
  const audits = async (appId: number) => (await run.emulator.pushes((p) => p.event.startsWith('PACKAGE_AUDIT_') && p.facts.appId === appId)).length;
  const hold = (on: boolean) => async (appId: number) => void (await run.emulator.holdAudits(appId, on));
  // An audit result comes for each submission Baidu accepted and nobody withdrew: with none outstanding (a TP that
  // claims it submitted but did not, or Baidu refused it), there is nothing to wait 5 s for.
  const auditDone = async (appId: number) => {
    const outstanding = async () => (await count('pkg.submitPackageAudit', appId)) - (await count('pkg.withdrawPackageAudit', appId)) - (await audits(appId));
    if ((await outstanding()) > 0) await until(async () => (await outstanding()) <= 0, 5000);
  };
  await exercise(run, 'development', [
    {
      action: 'upload-package',
      instructions: (appId) => '在第三方平台为该小程序上传代码包 / upload a code package from a template (package/upload); '
        + `if your TP develops in the developer tool (定制开发), upload with its stand-in: npx preflight ide upload --app ${appId} --emulator ${run.emulator.url}`,
      // Baidu counts the developer tool's upload as well (§7.1.3).
      satisfied: (appId) => packageUploaded(run, run.emulator, appId),
    },
    {
      action: 'submit-audit', instructions: '提交代码包审核 / submit the package for audit (package/submitaudit)', satisfied: ok('pkg.submitPackageAudit'),
      // The audit result arrives as a push; release only makes sense after it.
      after: auditDone,
    },
    { action: 'release', instructions: '审核通过后发布 / release the package that passed audit (package/release)', satisfied: ok('pkg.releasePackage') },
    // A second version exercises withdraw and rollback (extended checks): upload, submit, withdraw, submit again,
    // release once it passed, then roll back to the first version.
    { action: 'upload-package', key: 'upload-package#2', optional: true, instructions: 'upload a second version', satisfied: async () => false },
    // The reviewer holds this submission until the TP withdrew it: otherwise, on a busy machine, the emulated audit
    // (100 ms) could decide before the withdrawal arrives, and the withdraw check would blame the TP for it. `before`
    // runs for every step, asked or not, so the hold always ends at submit-audit#3.
    { action: 'submit-audit', key: 'submit-audit#2', optional: true, instructions: 'submit the second version', satisfied: async () => false, before: hold(true) },
    { action: 'withdraw-audit', optional: true, instructions: '撤回审核 / withdraw the submission (package/withdraw)', satisfied: async () => false },
    { action: 'submit-audit', key: 'submit-audit#3', optional: true, instructions: 'submit the second version again', satisfied: async () => false, before: hold(false), after: auditDone },
    { action: 'release', key: 'release#2', optional: true, instructions: 'release the second version', satisfied: async () => false },
    { action: 'rollback', optional: true, instructions: '回滚 / roll back to the previous version (package/rollback)', satisfied: async () => false },
  ]);
});
