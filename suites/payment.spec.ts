// 支付服务权限 (payment service). Baidu's detection: pay/account/create, pay/developconfig/submit and
// pay/paymentservice/create have ever succeeded (reference §7.1.3).
import { test, asCheck } from '../fixtures/index.ts';
import { judgeEverSucceeded, judgePushesAcked, needsApp } from '../fixtures/judge.ts';
import { exerciseObservations, exercise, successfulCalls, until } from '../harness/detection/exercise.ts';

// The set's setup runs first, in this file's worker: the TP exercises the capability; the checks below judge the ledger.
// (One project instead of a setup project plus a checks project saves a worker start per set.)
test.describe.configure({ mode: 'default' });

test('setup: the TP onboards the authorized app to payments', { tag: ['@payment'] }, async ({ run }) => {
  const all = async (appId: number) =>
    (await Promise.all(['pay.createAccount', 'pay.submitDevelopConfig', 'pay.createPaymentService'].map((id) => successfulCalls(run, id, appId)))).every((l) => l.length > 0);
  await exercise(run, 'payment', [{
    action: 'payment-onboard',
    instructions: '为该小程序开通支付 / onboard the app to payments (pay/account/create, pay/developconfig/submit, pay/paymentservice/create)',
    satisfied: all,
    after: async (appId) => void await until(async () => (await run.emulator.pushes((p) => p.event.startsWith('APP_PAYMENT_') && p.facts.appId === appId)).length >= 3, 3000),
  }]);
});

const rules = [
  { check: 'pay.account-create', endpoint: 'pay.createAccount', title: 'pay/account/create succeeds' },
  { check: 'pay.develop-config', endpoint: 'pay.submitDevelopConfig', title: 'pay/developconfig/submit succeeds' },
  { check: 'pay.payment-service', endpoint: 'pay.createPaymentService', title: 'pay/paymentservice/create succeeds' },
];

for (const r of rules) {
  test(r.title, asCheck(r.check), async ({ run, check }) => {
    await judgeEverSucceeded(run, check, exerciseObservations(run, 'payment'), r.endpoint, 'payment-onboard');
  });
}

test('payment onboarding pushes are acknowledged with "success"', asCheck('pay.pushes-ack'), async ({ run, check }) => {
  const appId = needsApp(exerciseObservations(run, 'payment'));
  await judgePushesAcked(run, check, 'APP_PAYMENT_*', (p) => p.event.startsWith('APP_PAYMENT_') && p.facts.appId === appId);
});
