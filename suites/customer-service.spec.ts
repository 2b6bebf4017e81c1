// 客服能力权限 (customer-service capability). Baidu's detection is a live request, not history: it sends
// signature/timestamp/nonce/echoStr to the 消息与事件接收URL and expects echoStr back verbatim (reference §7.1.3, §2.7).
import { test, asCheck } from '../fixtures/index.ts';
import { displayPath } from '../harness/config.ts';
import { shellWord } from '../harness/report/shell.ts';
import { pushView } from '../harness/detection/evidence.ts';

test('the 消息与事件接收URL answers the echoStr handshake', asCheck('cs.echostr-handshake'), async ({ run, check }) => {
  const probe = await run.emulator.probeEcho(run.config.tp.clientId);
  check.evidence('echoStr handshake', pushView([probe]));
  // The same handshake again, from the run folder (a reference TP is started anew; its run's port is gone). A team's
  // own TP keeps its URL: then the live probe asks it exactly as Baidu will, with TP_MESSAGE_TOKEN from .env.
  check.reproduce(`npx preflight push replay ${probe.seq} --run ${displayPath(run.runDir)}`);
  if (run.config.platform === 'external') check.reproduce(`npx preflight probe echostr --to ${shellWord(run.tpUrls.messageEvent)}`);
  if (probe.outcome !== 'ok') return check.fail(`the 消息与事件接收URL ${probe.url} did not return the echoStr: ${probe.cause}`);
  if (probe.latencyMs > run.config.pushBudgetMs) return check.fail(`the handshake took ${probe.latencyMs} ms, over the ${run.config.pushBudgetMs} ms budget`);
});

test('an echoStr with a bad signature is not echoed', asCheck('cs.echostr-bad-signature'), async ({ run, check }) => {
  const probe = await run.emulator.probeEcho(run.config.tp.clientId, true);
  check.evidence('echoStr handshake with a forged signature', pushView([probe]));
  // No answer at all (the URL refuses connections, times out) shows nothing about signature checking: that is
  // cs.echostr-handshake's failure, not a pass here.
  test.skip(probe.status === null, `needs an answer from the 消息与事件接收URL (see cs.echostr-handshake): ${probe.url} ${probe.cause ?? 'did not answer'}`);
  if (probe.replyBody === (probe.message as Record<string, string>).echoStr) {
    check.fail('the TP echoed an echoStr whose signature is wrong: it does not verify SHA-1(sort(token, timestamp, nonce)), so anyone can pass its URL check');
  }
});
