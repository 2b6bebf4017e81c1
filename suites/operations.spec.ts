// 代运营 with 基本信息设置权限: domains through the TP pool (reference §4.1) and an info change through an uploaded
// image (§4.2, §4.4.3). Extended checks: WARNING unless --strict.
import { test, asCheck } from '../fixtures/index.ts';
import { judgeEverSucceeded, needsApp } from '../fixtures/judge.ts';
import { succeeded } from '../harness/detection/emulatorHandle.ts';
import { callView } from '../harness/detection/evidence.ts';
import { exerciseObservations } from '../harness/detection/exercise.ts';

test('server and webview domains are set through the TP pool', asCheck('info.domains'), async ({ run, check }) => {
  const obs = exerciseObservations(run, 'basic-info');
  needsApp(obs);
  const pool = (await run.beforeProbes.calls('domain.modifyServerDomain')).filter(succeeded);
  check.evidence('tp/modifydomain calls', callView(pool));
  if (!pool.length) return check.fail('the TP never registered server domains at TP level (tp/modifydomain) before assigning them to the app');
  try {
    await judgeEverSucceeded(run, check, obs, 'app.setAppDomain', 'set-domains');
    await judgeEverSucceeded(run, check, obs, 'app.setAppWebViewDomain', 'set-domains');
  } catch (e) {
    check.fail((e as Error).message);
  }
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
