// The start the provider specs share: an emulator with one TP registered and its first ticket pushed, a client on
// it, the TP token, and a way to authorize a test app and get its authorizer token — as a TP would, by the code.
import { BaiduClient } from '../../harness/baidu/client.ts';
import { startEmulator, type StartedEmulator } from '../../harness/emulator/index.ts';
import { authorize } from '../../harness/emulator/providers/auth.ts';
import type { TpRegistration } from '../../harness/emulator/store.ts';

export interface EmulatorWithTp {
  em: StartedEmulator;
  client: BaiduClient;
  tpToken: string;
  /** Authorizes `appId` with the `granted` sets (skipping the scan) and exchanges the code: the authorizer token. */
  authorizeApp(appId: number, granted: readonly string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function emulatorWithTp(
  tp: TpRegistration,
  options: Parameters<typeof startEmulator>[0],
  /** Before the TP is registered (e.g. moving the clock, which would otherwise expire its ticket and token). */
  before?: (em: StartedEmulator) => void,
): Promise<EmulatorWithTp> {
  const em = await startEmulator(options);
  before?.(em);
  em.emu.registerTp(tp, { scheduleTickets: false });
  await em.emu.pushTicket(tp.clientId);
  const client = new BaiduClient({ openapiBaseUrl: em.url, retries: 0 });
  const tpToken = (await client.call<{ access_token: string }>('authprocess.getTpToken', { client_id: tp.clientId, ticket: em.emu.store.newestTicket(tp.clientId)!.value })).access_token;
  return {
    em, client, tpToken,
    async authorizeApp(appId, granted) {
      const { code } = authorize(em.emu, em.emu.requireTp(tp.clientId), appId, [...granted]);
      return (await client.call<{ access_token: string }>('authprocess.getOAuthToken', { grant_type: 'app_to_tp_authorization_code', code }, tpToken)).access_token;
    },
    async stop() {
      await client.close();
      await em.stop();
    },
  };
}
