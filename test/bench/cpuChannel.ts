// Side channel of a bench server child: the parent writes a line on stdin, the child answers with one JSON line on
// stdout giving its own CPU time, how many requests it served and its memory. When stdin closes (the parent ended,
// however it ended) the child exits, so a bench server never outlives its bench.
import { createInterface } from 'node:readline';

export interface CpuSample {
  type: 'cpu';
  /** process.cpuUsage() of the server process, microseconds. */
  userUs: number;
  systemUs: number;
  /** Requests the server has answered so far (its own count). */
  served: number;
  rssBytes: number;
  heapUsedBytes: number;
}

export function serveCpuChannel(served: () => number, onClose: () => void | Promise<void> = () => {}): void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (line.trim() !== 'cpu') return;
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const sample: CpuSample = { type: 'cpu', userUs: cpu.user, systemUs: cpu.system, served: served(), rssBytes: mem.rss, heapUsedBytes: mem.heapUsed };
    process.stdout.write(JSON.stringify(sample) + '\n');
  });
  rl.on('close', () => {
    void Promise.resolve()
      .then(onClose)
      .catch(() => {})
      .finally(() => process.exit(0));
    // Never hang on a slow close.
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
