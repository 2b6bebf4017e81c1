// 代运营 with 基本信息设置权限: domains through the TP pool (reference §4.1) and an info change through an uploaded
// image (§4.2, §4.4.3). Extended checks: WARNING unless --strict.
import { test, asCheck } from '../fixtures/index.ts';
import { judgeEverSucceeded, needsApp } from '../fixtures/judge.ts';
import { succeeded } from '../harness/detection/emulatorHandle.ts';
import { callView } from '../harness/detection/evidence.ts';
import { exerciseObservations, successfulCalls } from '../harness/detection/exercise.ts';

test('server and webview domains are set through the TP pool', asCheck('info.domains'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'basic-info');
  const appId = needsApp(obs);
  const pool = (await run.beforeProbes.calls('domain.modifyServerDomain')).filter(succeeded);
  check.evidence('tp/modifydomain calls', callView(pool));
  // First whether the TP acted at all (a hook that does not set domains is WAITING, not a pool mistake); Baidu refuses
  // an app domain outside the TP's pool (470016), which the app-level judgement explains.
  try {
    await judgeEverSucceeded(run, check, obs, 'app.setAppDomain', 'set-domains');
    await judgeEverSucceeded(run, check, obs, 'app.setAppWebViewDomain', 'set-domains');
  } catch (e) {
    return check.fail((e as Error).message);
  }
  // The app's domains were set (or the TP is waited for): with an empty pool, Baidu's "add them all" added nothing.
  const set = await successfulCalls(run.beforeProbes, 'app.setAppDomain', appId);
  if (set.length && !pool.length) check.fail('the TP never registered server domains at TP level (tp/modifydomain) before assigning them to the app');
});

test('the icon is changed with an image from upload/image', asCheck('info.icon-via-upload'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'basic-info');
  needsApp(obs);
  try {
    await judgeEverSucceeded(run, check, obs, 'app.setAppImage', 'set-domains');
  } catch (e) {
    check.fail((e as Error).message);
  }
});
