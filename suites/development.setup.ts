// 开发管理权限, exercised: the TP uploads a code package for the authorized test app, submits it for audit and, once
// the audit passed (pushed to its 消息与事件接收URL), releases it. The checks in development.spec.ts judge the ledger.
import { test as setup } from '../fixtures/index.ts';
import { exercise, successfulCalls, until } from '../harness/detection/exercise.ts';

setup('the TP develops code for the authorized app', async ({ run }) => {
  const ok = (id: string) => async (appId: number) => (await successfulCalls(run, id, appId)).length > 0;
  await exercise(run, 'development', [
    { action: 'upload-package', instructions: '在第三方平台为该小程序上传代码包 / upload a code package from a template (package/upload)', satisfied: ok('pkg.uploadPackage') },
    {
      action: 'submit-audit', instructions: '提交代码包审核 / submit the package for audit (package/submitaudit)', satisfied: ok('pkg.submitPackageAudit'),
      // The audit result arrives as a push; release only makes sense after it.
      after: async (appId) => void await until(async () => (await run.emulator.pushes((p) => p.event.startsWith('PACKAGE_AUDIT_') && p.facts.appId === appId)).length > 0, 5000),
    },
    { action: 'release', instructions: '审核通过后发布 / release the package that passed audit (package/release)', satisfied: ok('pkg.releasePackage') },
  ]);
});
