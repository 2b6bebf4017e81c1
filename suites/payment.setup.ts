// 支付服务权限, exercised (a setup project the payment checks depend on): the TP onboards the authorized test app to
// Baidu payments — account, developer config, payment service — and answers the result pushes.
import { asSetupStep, test as setup } from '../fixtures/index.ts';
import { exercise, successfulCalls, until } from '../harness/detection/exercise.ts';

setup('the TP onboards the authorized app to payments', asSetupStep('payment'), async ({ run }) => {
  const all = async (appId: number) =>
    (await Promise.all(['pay.createAccount', 'pay.submitDevelopConfig', 'pay.createPaymentService'].map((id) => successfulCalls(run.emulator, id, appId)))).every((l) => l.length > 0);
  await exercise(run, 'payment', [{
    action: 'payment-onboard',
    instructions: '为该小程序开通支付 / onboard the app to payments (pay/account/create, pay/developconfig/submit, pay/paymentservice/create)',
    satisfied: all,
    after: async (appId) => void await until(async () => (await run.emulator.pushes((p) => p.event.startsWith('APP_PAYMENT_') && p.facts.appId === appId)).length >= 3, 3000),
  }]);
});
