// 数据权限: not in Baidu's detection (reference §7.1.4); our check that the TP reads what the set is for, the app's
// data analysis (§4.11). An extended check: WARNING unless --strict.
import { test, asCheck } from '../fixtures/index.ts';
import { judgeEverSucceeded } from '../fixtures/judge.ts';
import { endpointsOf } from '../harness/baidu/catalogue.ts';
import { exerciseObservations } from '../harness/detection/exercise.ts';

test('the app\'s data analysis is read with the authorizer token', asCheck('data.analysis-read'), async ({ run, check }) => {
  try {
    // Whichever of the set's reads the TP needs: any one that Baidu accepted.
    await judgeEverSucceeded(run, check, exerciseObservations(run, 'data'), endpointsOf('data').map((e) => e.id), 'read-data');
  } catch (e) {
    check.fail((e as Error).message);
  }
});
