// Process entry of the reference TP (and, through runReferenceTp, of every mutant in test/mutants/).
// Configured only by environment variables, like a team's own TP pointed at the emulator:
// TP_CLIENT_ID, TP_APP_ID, TP_MESSAGE_TOKEN, TP_ENCODING_AES_KEY, BAIDU_OPENAPI_URL, BAIDU_SMARTPROGRAM_URL,
// REFERENCE_TP_PORT (0 = any) — or REFERENCE_TP_LISTEN=ipc: the launching process sends the listening socket to use
// (launch.ts). Prints one line `REFERENCE_TP_LISTENING <url>` when ready.
import type { Server } from 'node:net';
import type { Behaviour } from './behaviour.ts';
import { startReferenceTp } from './server.ts';

export async function runReferenceTp(overrides: Partial<Behaviour> = {}): Promise<void> {
  const env = process.env;
  const need = (k: string) => {
    const v = env[k];
    if (!v) {
      process.stderr.write(`reference TP: ${k} is required\n`);
      process.exit(2);
    }
    return v;
  };
  const listenOn = env.REFERENCE_TP_LISTEN === 'ipc' ? await receiveSocket() : undefined;
  const tp = await startReferenceTp({
    clientId: need('TP_CLIENT_ID'),
    tpAppId: Number(need('TP_APP_ID')),
    messageToken: need('TP_MESSAGE_TOKEN'),
    encodingAesKey: need('TP_ENCODING_AES_KEY'),
    openapiBaseUrl: need('BAIDU_OPENAPI_URL'),
    smartprogramBaseUrl: env.BAIDU_SMARTPROGRAM_URL ?? need('BAIDU_OPENAPI_URL'),
    port: Number(env.REFERENCE_TP_PORT ?? 0),
    listenOn,
  }, overrides);
  // The socket is ours now: the IPC channel has served its only purpose.
  if (listenOn) process.disconnect?.();
  process.stdout.write(`REFERENCE_TP_LISTENING ${tp.url}\n`);
  const stop = () => void tp.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function receiveSocket(): Promise<Server> {
  if (!process.send) {
    process.stderr.write('reference TP: REFERENCE_TP_LISTEN=ipc needs an IPC channel to its launcher\n');
    process.exit(2);
  }
  return new Promise((resolve) => process.once('message', (_m, handle: Server) => resolve(handle)));
}

if (import.meta.url === `file://${process.argv[1]}`) await runReferenceTp();
