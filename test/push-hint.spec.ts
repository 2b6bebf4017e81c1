// What a TP developer is told to look at when a push was not acknowledged (harness/detection/pushHint.ts): the same
// words in the checks' reasons and in `npm run emulator`'s first ticket.
import { expect, test } from '@playwright/test';
import { pushHint, tpNotUp } from '../harness/detection/pushHint.ts';

test('not up yet: nothing answered, or a proxy answered for the TP (502–504); any other answer is the TP\'s own', () => {
  expect(['connect-error', 'timeout', 'reset'].map((outcome) => tpNotUp({ outcome: outcome as never, status: null }))).toEqual([true, true, true]);
  expect([502, 503, 504, 500, 403].map((status) => tpNotUp({ outcome: 'http-error', status }))).toEqual([true, true, true, false, false]);
  expect(tpNotUp({ outcome: 'bad-body', status: 200 })).toBe(false);
});

test('the hint names the likeliest cause, and nothing where the cause says it all', () => {
  expect(pushHint({ outcome: 'connect-error', status: null })).toMatch(/is the TP running/);
  expect(pushHint({ outcome: 'timeout', status: null }, 2000)).toMatch(/within 2000 ms \(PREFLIGHT_PUSH_BUDGET_MS\)/);
  expect(pushHint({ outcome: 'http-error', status: 403 })).toMatch(/TP_MESSAGE_TOKEN \/ TP_ENCODING_AES_KEY/);
  expect(pushHint({ outcome: 'http-error', status: 404 }), 'a wrong path, not a wrong key').toMatch(/nothing is served at that path: is the URL the one configured at Baidu/);
  expect(pushHint({ outcome: 'http-error', status: 405 })).toMatch(/does not take POST/);
  expect(pushHint({ outcome: 'http-error', status: 500 })).toMatch(/see its log/);
  expect(pushHint({ outcome: 'http-error', status: 502 })).toBe('');
  expect(pushHint({ outcome: 'bad-body', status: 200 }), 'it decrypted the push: no key hint').toBe('');
});
