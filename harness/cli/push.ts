// `preflight push replay <ledger-id>`: re-sends a recorded push to the TP byte for byte, so a reviewer can reproduce
// what a check saw. With a running emulator (PREFLIGHT_EMULATOR_URL or --emulator) it goes through the emulator and
// lands in its ledger; otherwise the envelope saved by the run (--run DIR, default the newest run) is posted directly.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = 'usage: preflight push replay <ledger-id> [--emulator http://127.0.0.1:4010 | --run .preflight/runs/<id>] [--to URL]\n';

export async function pushCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { emulator: { type: 'string' }, run: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean' } },
  });
  const [verb, id] = positionals;
  if (values.help || verb !== 'replay' || !id || !/^\d+$/.test(id)) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const emulator = values.emulator ?? process.env.PREFLIGHT_EMULATOR_URL;
  if (emulator && !values.run) return viaEmulator(emulator, Number(id));
  return direct(values.run ?? newestRun(), Number(id), values.to);
}

async function viaEmulator(base: string, seq: number): Promise<number> {
  let res: Response;
  try {
    res = await fetch(`${base}/__emulator/push/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq }) });
  } catch (e) {
    process.stderr.write(`preflight push: no emulator at ${base} (${(e as Error).message}); use --run to replay from a finished run\n`);
    return 1;
  }
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) {
    process.stderr.write(`preflight push: ${body.error}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  return body.outcome === 'ok' ? 0 : 1;
}

function newestRun(): string {
  const dir = path.resolve('.preflight', 'runs');
  if (!existsSync(dir)) return dir;
  const runs = readdirSync(dir).map((d) => path.join(dir, d)).filter((d) => existsSync(path.join(d, 'pushes.json')));
  return runs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0] ?? dir;
}

async function direct(runDir: string, seq: number, to?: string): Promise<number> {
  const file = path.join(runDir, 'pushes.json');
  if (!existsSync(file)) {
    process.stderr.write(`preflight push: no recorded pushes at ${file}\n`);
    return 1;
  }
  const pushes = JSON.parse(readFileSync(file, 'utf8')) as { seq: number; event: string; url: string; envelope: Record<string, string> }[];
  const p = pushes.find((x) => x.seq === seq);
  if (!p) {
    process.stderr.write(`preflight push: ledger entry ${seq} is not a push of ${runDir}\n`);
    return 1;
  }
  const url = to ?? p.url;
  const started = performance.now();
  try {
    const isEcho = p.event === 'echoStr';
    const res = await fetch(url, isEcho ? { method: 'POST' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.envelope), signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    const ms = Math.round(performance.now() - started);
    process.stdout.write(`${p.event} push #${seq} → ${url}: HTTP ${res.status} in ${ms} ms, body ${JSON.stringify(text.slice(0, 200))}\n`);
    return res.ok && text === 'success' ? 0 : 1;
  } catch (e) {
    process.stderr.write(`preflight push: ${url}: ${(e as Error).message}\n`);
    return 1;
  }
}
