// `preflight ide upload --app <id>`: the emulator's stand-in for Baidu's developer tool (定制开发). A TP that develops
// its customers' code in the IDE, rather than uploading from a template with package/upload, passes Baidu's
// 开发管理权限 detection with a package submitted that way (reference §7.1.3); while a run waits for the upload, its
// developer runs this instead of the IDE's upload button, and the TP then submits the package as usual.
// Exit codes: 0 uploaded, 1 refused (the TP or the app lacks 开发管理权限, or the app has not authorized the TP), no TP
// registered or no emulator, 2 a usage error (also: several TPs registered and no --client-id).
import { config as loadDotenv } from 'dotenv';
import { DEFAULT_EMULATOR_PORT } from '../config.ts';
import { EmulatorHandle } from '../detection/emulatorHandle.ts';
import { parseCommand } from './args.ts';

const USAGE = `usage: preflight ide upload --app <app id> [--emulator http://127.0.0.1:${DEFAULT_EMULATOR_PORT}] [--client-id <TP Key>] [--version 1.0.0] [--desc "…"]\n`;

export async function ideCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand<{ app?: string; emulator?: string; 'client-id'?: string; version?: string; desc?: string }>('ide', argv, {
    app: { type: 'string' }, emulator: { type: 'string' }, 'client-id': { type: 'string' }, version: { type: 'string' }, desc: { type: 'string' },
  }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals[0] !== 'upload' || positionals.length > 1 || !values.app || !/^[1-9]\d*$/.test(values.app)) {
    process.stderr.write(USAGE);
    return 2;
  }
  loadDotenv({ quiet: true }); // TP_CLIENT_ID from .env, as the run reads it
  const emulator = new EmulatorHandle((values.emulator ?? process.env.PREFLIGHT_EMULATOR_URL ?? `http://127.0.0.1:${DEFAULT_EMULATOR_PORT}`).replace(/\/+$/, ''));
  let clientId = values['client-id'] ?? process.env.TP_CLIENT_ID;
  try {
    // The TP the tool uploads for: --client-id, else TP_CLIENT_ID, else the emulator's only registered TP.
    if (!clientId) {
      const tps = (await emulator.state()).tps as { clientId: string }[] | undefined;
      if (!tps?.length) {
        process.stderr.write(`preflight ide: no TP is registered at ${emulator.url} (is the run still going?)\n`);
        return 1;
      }
      if (tps.length > 1) {
        process.stderr.write(`preflight ide: the emulator has ${tps.length} TPs registered; say which with --client-id\n`);
        return 2;
      }
      clientId = tps[0]!.clientId;
    }
  } catch (e) {
    process.stderr.write(`preflight ide: no emulator at ${emulator.url} (${(e as Error).message}); pass --emulator with the URL the run printed\n`);
    return 1;
  }
  const r = await emulator.ideUpload(clientId, Number(values.app), { version: values.version, desc: values.desc }).catch((e: Error) => e);
  if (r instanceof Error) {
    process.stderr.write(`preflight ide: ${r.message}\n`);
    return 1;
  }
  process.stdout.write(`uploaded with the developer tool: app ${values.app}, package ${r.packageId} (development version; submit it with package/submitaudit)\n`);
  return 0;
}
