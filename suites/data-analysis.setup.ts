// 数据权限 (data), exercised (a setup project the data checks depend on): the TP reads the app's data analysis, as
// its console's statistics page would for its customer.
import { asSetupStep, test as setup } from '../fixtures/index.ts';
import { endpointsOf } from '../harness/baidu/catalogue.ts';
import { exercise, successfulCalls } from '../harness/detection/exercise.ts';

setup('the TP reads the authorized app\'s data analysis', asSetupStep('data'), async ({ run }) => {
  await exercise(run, 'data', [{
    action: 'read-data',
    instructions: '读取小程序数据分析（如用户趋势，日期写作yyyyMMdd） / read the app\'s data analysis (e.g. the user trend, dates written yyyyMMdd)',
    satisfied: async (appId) => {
      for (const e of endpointsOf('data')) if ((await successfulCalls(run.emulator, e.id, appId)).length) return true;
      return false;
    },
  }]);
});
