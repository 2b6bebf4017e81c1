// `preflight ide upload --app <id>`: the emulator's stand-in for Baidu's developer tool (定制开发). A TP that develops
// its customers' code in the IDE, rather than uploading from a template with package/upload, passes Baidu's
// 开发管理权限 detection with a package submitted that way (reference §7.1.3); while a run waits for the upload, its
// developer runs this instead of the IDE's upload button, and the TP then submits the package as usual.
// Exit codes: 0 uploaded, 1 refused (the app has not authorized the TP, or did not grant 开发管理权限) or no emulator,
// 2 a usage error.
import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import { DEFAULT_EMULATOR_PORT } from '../config.ts';

const USAGE = `usage: preflight ide upload --app <app id> [--emulator http://127.0.0.1:${DEFAULT_EMULATOR_PORT}] [--client-id <TP Key>] [--version 1.0.0] [--desc "…"]\n`;

export async function ideCommand(argv: string[]): Promise<number> {
  let values: { app?: string; emulator?: string; 'client-id'?: string; version?: string; desc?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv, allowPositionals: true,
      options: { app: { type: 'string' }, emulator: { type: 'string' }, 'client-id': { type: 'string' }, version: { type: 'string' }, desc: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (e) {
    process.stderr.write(`preflight ide: ${(e as Error).message.split('. ')[0]}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals[0] !== 'upload' || positionals.length > 1 || !values.app || !/^[1-9]\d*$/.test(values.app)) {
    process.stderr.write(USAGE);
    return 2;
  }
  loadDotenv({ quiet: true }); // TP_CLIENT_ID from .env, as the run reads it
  const base = (values.emulator ?? process.env.PREFLIGHT_EMULATOR_URL ?? `http://127.0.0.1:${DEFAULT_EMULATOR_PORT}`).replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(10_000),
    });
    return { ok: res.ok, body: (await res.json().catch(() => ({ error: `HTTP ${res.status} without JSON` }))) as Record<string, unknown> };
  };
  try {
    // The TP the tool uploads for: --client-id, else TP_CLIENT_ID, else the emulator's only registered TP.
    let clientId = values['client-id'] ?? process.env.TP_CLIENT_ID;
    if (!clientId) {
      const state = await call('GET', '/__emulator/state');
      const tps = state.body.tps as { clientId: string }[] | undefined;
      if (!state.ok || !Array.isArray(tps)) {
        process.stderr.write(`preflight ide: ${base} is not an emulator (GET /__emulator/state: ${state.body.error ?? 'no TP list'})\n`);
        return 1;
      }
      if (tps.length === 0) {
        process.stderr.write(`preflight ide: no TP is registered at ${base} (is the run still going?)\n`);
        return 1;
      }
      if (tps.length > 1) {
        process.stderr.write(`preflight ide: the emulator has ${tps.length} TPs registered; say which with --client-id\n`);
        return 2;
      }
      clientId = tps[0]!.clientId;
    }
    const r = await call('POST', '/__emulator/ide/upload', { clientId, appId: Number(values.app), version: values.version, desc: values.desc });
    if (!r.ok) {
      process.stderr.write(`preflight ide: ${r.body.error}\n`);
      return 1;
    }
    process.stdout.write(`uploaded with the developer tool: app ${values.app}, package ${r.body.packageId} (development version; submit it with package/submitaudit)\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`preflight ide: no emulator at ${base} (${(e as Error).message}); pass --emulator with the URL the run printed\n`);
    return 1;
  }
}
