// `preflight push replay <ledger-id>`: re-sends a recorded push to the TP byte for byte, so a reviewer can
// reproduce what a check saw. Talks to a running emulator (PREFLIGHT_EMULATOR_URL or --emulator).
import { parseArgs } from 'node:util';

export async function pushCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { emulator: { type: 'string' }, help: { type: 'boolean' } } });
  const [verb, id] = positionals;
  if (values.help || verb !== 'replay' || !id || !/^\d+$/.test(id)) {
    process.stderr.write('usage: preflight push replay <ledger-id> [--emulator http://127.0.0.1:4010]\n');
    return values.help ? 0 : 2;
  }
  const base = values.emulator ?? process.env.PREFLIGHT_EMULATOR_URL ?? 'http://127.0.0.1:4010';
  let res: Response;
  try {
    res = await fetch(`${base}/__emulator/push/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: Number(id) }) });
  } catch (e) {
    process.stderr.write(`preflight push: no emulator at ${base} (${(e as Error).message}); start one with npm run emulator\n`);
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
