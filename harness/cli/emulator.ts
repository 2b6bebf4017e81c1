// `npm run emulator`: the Baidu emulator on its own, for a team developing its TP against it. Registers the TP
// from the environment when its URLs are given; otherwise POST /__emulator/tps registers one later.
import { DEFAULT_EMULATOR_PORT, loadConfigOrExit, pushIdentifierOf } from '../config.ts';
import { startEmulator, type StartedEmulator } from '../emulator/index.ts';
import { BAIDU_HOSTS } from '../emulator/tls.ts';
import { pushHint, tpNotUp } from '../detection/pushHint.ts';

/** How often the first ticket is pushed again while the TP does not listen yet. */
const FIRST_TICKET_RETRY_MS = 3000;
const mask = (s: string) => `${s.slice(0, 4)}…(${s.length} chars)`;

export async function emulatorCommand(argv: string[]): Promise<number> {
  const usage = 'usage: preflight emulator   (configured by the same variables as a run; see README)\n';
  if (argv.includes('--help')) {
    process.stdout.write(usage);
    return 0;
  }
  if (argv.length) {
    // Its settings are the run's variables; an argument is a mistake worth saying before a server starts.
    process.stderr.write(`preflight emulator: unexpected argument '${argv[0]}'\n${usage}`);
    return 2;
  }
  const config = loadConfigOrExit();
  const port = process.env.PREFLIGHT_EMULATOR_PORT ? config.emulatorPort : DEFAULT_EMULATOR_PORT;
  const em = await startEmulator({ seed: config.seed, ticketIntervalS: config.ticketIntervalS, pushTimeoutMs: 5000, port, httpsPort: config.emulatorHttpsPort,
    weeklyAuditQuota: config.auditQuota, auditDelayMs: config.auditDelayMs });
  const { tp, tpUrls } = config;
  const registered = Boolean(tpUrls.authEvent && tpUrls.messageEvent && tpUrls.authStart);
  const lines = [
    `Baidu emulator listening on ${em.url}  (openapi and smartprogram base URL; health: ${em.url}/health)`,
    `dashboard (TPs, authorizations, every call and push as it happens): ${em.url}/__emulator/`,
    `TP${registered ? '' : ' (not registered: its URLs are not set)'}: client_id=${tp.clientId} tpAppId=${tp.tpAppId} token=${mask(tp.messageToken)} EncodingAESKey=${mask(tp.encodingAesKey)}`,
    `授权测试名单: ${config.testAppIds.join(', ')}   seed: ${config.seed}`,
  ];
  // Generated credentials are never printed whole (secrets stay out of logs), so a TP cannot be configured with them.
  const generated = ['TP_CLIENT_ID', 'TP_APP_ID', 'TP_MESSAGE_TOKEN', 'TP_ENCODING_AES_KEY'].filter((v) => !process.env[v]);
  if (generated.length) {
    lines.push(`${generated.join(', ')} not set: generated for this session from the seed; set them (in .env) to the values your TP is configured with`);
  }
  if (em.httpsUrl) {
    lines.push(`HTTPS on ${em.httpsUrl} for ${BAIDU_HOSTS.join(', ')}; trust the CA: NODE_EXTRA_CA_CERTS=${em.caPath}`);
  }
  if (registered) {
    em.emu.registerTp({
      clientId: tp.clientId, tpAppId: tp.tpAppId, name: '预检第三方平台', messageToken: tp.messageToken, encodingAesKey: tp.encodingAesKey,
      authEventUrl: tpUrls.authEvent!, messageEventUrl: tpUrls.messageEvent!, authStartDomain: new URL(tpUrls.authStart!).host,
      testAppIds: config.testAppIds, permissionSets: config.permissionSets, pushIdentifier: pushIdentifierOf(config),
    });
    lines.push(`registered the TP; pushing its first ticket to ${tpUrls.authEvent}`);
  } else {
    lines.push('no TP_AUTH_EVENT_URL / TP_MESSAGE_EVENT_URL / TP_AUTH_START_URL: set them and start again, or register a TP with POST /__emulator/tps '
      + '{"clientId", "tpAppId", "messageToken", "encodingAesKey", "authEventUrl", "messageEventUrl", "authStartDomain", "testAppIds": [app ids], "permissionSets": [slugs]}');
  }
  process.stdout.write(lines.join('\n') + '\n');
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  // After the banner, so that what the first ticket met is said below it.
  if (registered) {
    firstTicket(em.emu, tp.clientId, stop.signal).catch((e: Error) => process.stderr.write(`preflight emulator: first ticket: ${e.message}\n`));
  }
  await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
  await em.stop();
  return 0;
}

/**
 * The first ticket, until the TP acknowledges one: a team often starts the emulator before its TP, and without a
 * ticket the TP can do nothing until the next scheduled push (10 minutes by default). Says what happened, plainly.
 */
async function firstTicket(emu: StartedEmulator['emu'], clientId: string, stopped: AbortSignal): Promise<void> {
  let said = '';
  while (!stopped.aborted) {
    const p = await emu.pushTicket(clientId);
    if (p.outcome === 'ok') {
      process.stdout.write(`first ticket acknowledged by the TP (push #${p.seq}, ${Math.round(p.latencyMs)} ms)\n`);
      return;
    }
    // Not up yet: try again. Up but answering wrongly: a fault to fix, not to wait out — say so and stop retrying
    // (the scheduled pushes go on).
    const notUp = tpNotUp(p);
    const line = notUp
      ? `first ticket push failed: ${p.cause}; pushing a new ticket every ${FIRST_TICKET_RETRY_MS / 1000} s until the TP answers "success"`
      : `ticket push #${p.seq} was not acknowledged: ${p.cause}${pushHint(p)}`;
    if (line !== said) process.stdout.write(`${line}\n`);
    said = line;
    if (!notUp) return;
    await new Promise((r) => setTimeout(r, FIRST_TICKET_RETRY_MS).unref());
  }
}
