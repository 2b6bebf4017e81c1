// Bench child B, the ceiling: a bare node:http server that answers every request with the same bytes the emulator
// answered (status, content-type and body passed in BENCH_BARE_REPLY as JSON). Same keep-alive timeout as the
// emulator's server. Prints {type:'ready', url} and serves the CPU side channel (cpuChannel.ts) until stdin closes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveCpuChannel } from './cpuChannel.ts';

const spec = JSON.parse(process.env.BENCH_BARE_REPLY ?? 'null') as { status: number; contentType: string; body: string } | null;
if (!spec) {
  process.stderr.write('bare-server: BENCH_BARE_REPLY is not set\n');
  process.exit(1);
}
const body = Buffer.from(spec.body, 'utf8');
const headers = { 'content-type': spec.contentType, 'content-length': body.length };

let served = 0;
const server = createServer((_req, res) => {
  served++;
  res.writeHead(spec.status, headers);
  res.end(body);
});
server.keepAliveTimeout = 5000;
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => resolve());
});

serveCpuChannel(
  () => served,
  () => {
    server.closeAllConnections();
    server.close();
  },
);
process.stdout.write(JSON.stringify({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }) + '\n');
