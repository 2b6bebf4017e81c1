// Mutant: onboards the app to payments but silently leaves out pay/developconfig/submit (the account is still created,
// and the payment service is asked for — which Baidu then refuses with 60014, the developer configuration missing).
// Must break: pay.develop-config → FAILED (Baidu's 支付服务权限 rule: the three onboarding calls have ever succeeded).
// A real TP bug (reference §5.4.4, §7.1.3): without the developer config (TP public key, pay notify and refund URLs)
// Baidu has nowhere to send payment and refund notifications; TPs that treat it as an optional later step pass their
// own tests and fail Baidu's detection, which checks that pay/developconfig/submit has ever succeeded.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ skipCalls: ['pay.submitDevelopConfig'] });
