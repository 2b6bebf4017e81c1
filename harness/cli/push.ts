// `preflight push replay <ledger-id>`: re-sends a recorded push to the TP byte for byte, so a reviewer can reproduce
// what a check saw. With a running emulator (PREFLIGHT_EMULATOR_URL or --emulator) it goes through the emulator and
// lands in its ledger; otherwise the envelope saved by the run (--run DIR, default the newest run) is posted directly.
// Exit codes: 0 the TP answered as Baidu expects, 1 it did not (or could not be reached), 2 a usage error (a bad
// option; a run folder that does not exist or recorded no pushes; a ledger id that is no push).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_EMULATOR_PORT } from '../config.ts';
import { parseCommand } from './args.ts';
import { loadPushes, PUSHES_FILE, runsRoot } from '../detection/runs.ts';
import { deliver, describeAnswer, echoRequest, pushRequest } from '../emulator/pusher.ts';
import { pushHint, tpNotUp } from '../detection/pushHint.ts';
import type { PushEntry } from '../emulator/ledger.ts';
import { restartRunTp, type RestartedTp } from './runTp.ts';

const USAGE = `usage: preflight push replay <ledger-id> [--emulator http://127.0.0.1:${DEFAULT_EMULATOR_PORT} | --run .preflight/runs/<id>] [--to URL]\n`;
/** A TP that never answers costs this long, then the command says so (exit 1). */
const TIMEOUT_MS = 10_000;

export async function pushCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand<{ emulator?: string; run?: string; to?: string }>('push', argv, { emulator: { type: 'string' }, run: { type: 'string' }, to: { type: 'string' } }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [verb, id] = positionals;
  if (verb !== 'replay' || !id || !/^\d+$/.test(id) || positionals.length > 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  const emulator = values.emulator ?? process.env.PREFLIGHT_EMULATOR_URL;
  if (emulator && !values.run) return viaEmulator(emulator, Number(id));
  return direct(values.run ?? newestRun(), Number(id), values.to, values.run !== undefined);
}

async function viaEmulator(base: string, seq: number): Promise<number> {
  let res: Response;
  try {
    res = await fetch(`${base}/__emulator/push/replay`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq }), signal: AbortSignal.timeout(TIMEOUT_MS + 5000),
    });
  } catch (e) {
    process.stderr.write(`preflight push: no emulator at ${base} (${(e as Error).message}); use --run to replay from a finished run\n`);
    return 1;
  }
  const body = (await res.json().catch(() => ({ error: `HTTP ${res.status} without JSON` }))) as Record<string, unknown>;
  if (!res.ok) {
    process.stderr.write(`preflight push: ${body.error}\n`);
    // The emulator refused the argument (no such push): a usage error, as for --run.
    return res.status === 400 ? 2 : 1;
  }
  // The replay's ledger entry: said as --run says a replay.
  const d = body as unknown as PushEntry;
  if (typeof d.event !== 'string' || typeof d.outcome !== 'string' || typeof d.replyBody !== 'string') {
    process.stderr.write(`preflight push: ${base} answered something other than a ledger entry: ${JSON.stringify(body).slice(0, 200)}\n`);
    return 1;
  }
  process.stdout.write(`${d.event} push #${seq} → ${d.url}: ${describeAnswer(d)} (ledger entry #${d.seq})\n`);
  if (d.outcome === 'ok') return 0;
  const what = d.status !== null && d.outcome !== 'too-large' ? `the TP answered ${JSON.stringify(d.replyBody.slice(0, 80))}` : `the TP at ${d.url}: ${d.cause}`;
  process.stderr.write(`preflight push: ${what}${pushHint(d)}\n`);
  return 1;
}

function newestRun(): string {
  const dir = runsRoot();
  if (!existsSync(dir)) return dir;
  const runs = readdirSync(dir).map((d) => path.join(dir, d)).filter((d) => existsSync(path.join(d, PUSHES_FILE)));
  return runs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0] ?? dir;
}

async function direct(runDir: string, seq: number, to: string | undefined, named: boolean): Promise<number> {
  const pushes = existsSync(runDir) ? loadPushes(runDir) : undefined;
  if (!pushes && !named) {
    process.stderr.write(`preflight push: no run under ${runDir} has recorded pushes yet: run the detection first, or name a run folder with --run\n`);
    return 1;
  }
  if (!existsSync(runDir)) {
    // The argument names nothing: a usage error, like a bad option.
    // A reviewer on another machine has the report, not its run folder: say how to get one here.
    process.stderr.write(`preflight push: ${runDir} does not exist here (a run folder stays on the machine that ran it, and goes once PREFLIGHT_KEEP_RUNS newer runs exist): `
      + 'run the check\'s own reproduce command (PREFLIGHT_SEED=… npx preflight run …) first, then replay from that run — without --run, the newest\n');
    return 2;
  }
  // Arguments that name no recorded push are usage errors too.
  if (!pushes) {
    process.stderr.write(`preflight push: no recorded pushes at ${path.join(runDir, PUSHES_FILE)} (is ${runDir} a run folder?)\n`);
    return 2;
  }
  const p = pushes.find((x) => x.seq === seq);
  if (!p) {
    process.stderr.write(`preflight push: ledger entry ${seq} is not a push of ${runDir}\n`);
    return 2;
  }
  // The request the push was, rebuilt with the emulator's own wire format, and sent the way the emulator sends pushes.
  const send = (target: string) => deliver(p.echo ? echoRequest(target, p.echo) : pushRequest(target, p.envelope), TIMEOUT_MS);
  let target = to ?? p.url;
  let d = await send(target);
  let restarted: RestartedTp | undefined;
  // Nothing listens at the run's own URL: usually its reference TP, which stopped with the run. Start it again (only
  // then: a TP that is up but slow or failing must not get the push twice).
  if (!to && d.outcome === 'connect-error' && (restarted = await restartRunTp(runDir, pushes, p)) && 'tp' in restarted) {
    const { tp } = restarted;
    // A replay stopped by a signal (a CI cancel, `kill`) stops the TP it started too.
    const onSignal = (signal: NodeJS.Signals) => void tp.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    try {
      const url = new URL(p.url);
      target = new URL(url.pathname + url.search, new URL(tp.urls.authEvent).origin).href;
      process.stdout.write(`${restarted.label} stopped with the run: started again with the run's seed (PREFLIGHT_SEED=${restarted.seed}) to answer — a fresh process, which holds nothing of the run (tickets, tokens, pushes seen)\n`);
      d = await send(target);
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      await tp.stop();
    }
  }
  process.stdout.write(`${p.event} push #${seq} → ${target}: ${describeAnswer(d)}\n`);
  if (restarted && 'tp' in restarted && !restarted.genuine) {
    // A probe's push, forged on purpose: a refusal is right, and an acknowledgement too so long as nothing is adopted
    // (the probe judged that from what the TP did next, which a replay cannot show).
    process.stdout.write(`push #${seq} does not open with the run's credentials: a probe forged it on purpose (see probe.forged-push-ignored and cs.echostr-bad-signature) — whatever the TP answers, it must not act on it\n`);
    return 0;
  }
  const expected = p.echo ? p.echo.echoStr : 'success';
  if (d.outcome === 'ok') return 0;
  if (d.status !== null && d.outcome !== 'too-large') {
    process.stderr.write(`preflight push: the TP answered ${JSON.stringify(d.replyBody.slice(0, 80))}, Baidu expects ${JSON.stringify(expected)}${pushHint(d)}\n`);
    return 1;
  }
  // Nothing answered at the run's own URL, and its TP could not be started again (or is a team's own): say how to go on.
  const advice = to || !tpNotUp(d) ? '' : restarted ? ('why' in restarted ? `; ${restarted.why}` : '')
    : "; a run's reference TP stops when the run ends — start your TP and replay again, or send the push elsewhere with --to URL";
  process.stderr.write(`preflight push: the TP at ${target}: ${d.cause}${pushHint(d)}${advice}\n`);
  return 1;
}
