// Bench child A: the real emulator (harness/emulator) on 127.0.0.1:0 with one registered TP whose 授权事件接收URL is a
// stub in this same process answering "success". Pushes one ticket, then prints one JSON line
// {type:'ready', url, clientId, ticket} and serves the CPU side channel (cpuChannel.ts) until stdin closes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../../harness/emulator/index.ts';
import { SeededIds } from '../../harness/seed.ts';
import { serveCpuChannel } from './cpuChannel.ts';

const stub = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('success');
  });
});
await new Promise<void>((resolve, reject) => {
  stub.once('error', reject);
  stub.listen(0, '127.0.0.1', () => resolve());
});
const stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;

const em = await startEmulator({ seed: 'bench', ticketIntervalS: 600, pushTimeoutMs: 5000, port: 0, host: '127.0.0.1' });
const ids = new SeededIds('bench-tp');
const clientId = ids.alnum('clientId', 32);
em.emu.registerTp(
  {
    clientId,
    tpAppId: 4242,
    name: 'bench TP',
    messageToken: ids.alnum('messageToken', 32),
    encodingAesKey: ids.alnum('encodingAesKey', 43),
    authEventUrl: `${stubUrl}/auth-event`,
    messageEventUrl: `${stubUrl}/message-event`,
    authStartDomain: new URL(stubUrl).host,
    testAppIds: [1234567],
    permissionSets: [],
  },
  { scheduleTickets: false },
);
const push = await em.emu.pushTicket(clientId);
if (push.outcome !== 'ok') {
  process.stderr.write(`emulator-server: ticket push failed: ${push.outcome} ${push.cause ?? ''}\n`);
  process.exit(1);
}
const ticket = em.emu.store.newestTicket(clientId)?.value;
if (!ticket) {
  process.stderr.write('emulator-server: no ticket after the push\n');
  process.exit(1);
}

// The ledger's sequence counts every inbound call (and the one push): the server's own request count.
const base = em.emu.ledger.size;
serveCpuChannel(
  () => em.emu.ledger.size - base,
  async () => {
    stub.closeAllConnections();
    stub.close();
    await em.stop();
  },
);
process.stdout.write(JSON.stringify({ type: 'ready', url: em.url, clientId, ticket }) + '\n');
