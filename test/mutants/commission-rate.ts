// Mutant: creates the payment service with commission_rate 0.6 (the rate in percent) where Baidu expects the integer 6
// (千分之六, per mille).
// Must break: pay.payment-service → FAILED (Baidu refuses the call). The account and the developer config are created.
// A real TP bug (reference §5.4.5, commission_rate int = 6): a unit confusion no test of the TP's own catches, since
// 0.6 is "right" by its own reading of the rate.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ callParams: { 'pay.createPaymentService': { commission_rate: 0.6 } } });
