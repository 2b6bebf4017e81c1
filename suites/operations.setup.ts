// 基本信息设置权限 (basic-info), exercised (a setup project the operations checks depend on): the TP sets the app's
// server and webview domains from its TP-level pool and changes the icon with an uploaded image.
import { asSetupStep, test as setup } from '../fixtures/index.ts';
import { exercise, successfulCalls } from '../harness/detection/exercise.ts';

setup('the TP operates the authorized app', asSetupStep('basic-info'), async ({ run }) => {
  await exercise(run, 'basic-info', [{
    action: 'set-domains',
    instructions: '设置服务器域名与业务域名并修改头像 / set server and webview domains through the TP pool and change the icon',
    satisfied: async (appId) => (await successfulCalls(run.emulator, 'app.setAppDomain', appId)).length > 0,
  }]);
});
