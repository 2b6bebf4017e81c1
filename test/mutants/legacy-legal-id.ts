// Mutant: creates the payment account with the legal person's 15-digit first-generation ID card number.
// Must break: pay.account-create → FAILED (Baidu answers 60005 身份证号必须为18位). The TP's onboarding
// stops there, as a TP's does on an error, so pay.develop-config and pay.payment-service FAILED too (never called:
// Baidu's rule is that each has ever succeeded), and the onboarding pushes are SKIPPED (nothing was accepted).
// A real TP bug (reference §5.4.2: legal_id, 18 characters): customer data entered years ago, or validated only for "digits", passes the TP's
// own form and fails Baidu's.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ callParams: { 'pay.createAccount': { legal_id: '110101900307123' } } });
