// 支付服务权限 (payment service). Baidu's detection: pay/account/create, pay/developconfig/submit and
// pay/paymentservice/create have ever succeeded (reference §7.1.3).
import { test, asCheck } from '../fixtures/index.ts';
import { judgeEverSucceeded, judgePushesAcked, needsApp, needsEarlier } from '../fixtures/judge.ts';
import { exerciseObservations, successfulCalls } from '../harness/detection/exercise.ts';

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
  const obs = exerciseObservations(run, 'payment');
  const appId = needsApp(obs);
  // Baidu pushes an onboarding result only after a call it accepted.
  const accepted = (await Promise.all(rules.map((r) => successfulCalls(run.beforeProbes, r.endpoint, appId)))).some((l) => l.length > 0);
  test.skip(!accepted, needsEarlier(obs, 'payment-onboard', 'a successful payment onboarding call', 'pay.account-create'));
  await judgePushesAcked(run, check, 'APP_PAYMENT_*', (p) => p.event.startsWith('APP_PAYMENT_') && p.facts.appId === appId);
});
