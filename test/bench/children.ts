// Child processes of the bench: every one is registered here and killed (by its own id, or its own process group for
// the detection run) when the bench ends, however it ends — normal exit, an error, or SIGINT/SIGTERM.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CpuSample } from './cpuChannel.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const live = new Map<ChildProcess, { group: boolean }>();

/** Spawns and registers a child; `detached` children are killed as a whole process group. */
export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, { cwd: REPO_ROOT, ...opts });
  live.set(child, { group: opts.detached === true });
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** Kills one tracked child (its process group when it was spawned detached). */
export function killTracked(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  const entry = live.get(child);
  if (!entry || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    // Still try the group: the leader may be gone while its children (e.g. a browser) remain.
    if (entry?.group && child.pid !== undefined) tryKill(-child.pid, signal);
    return;
  }
  tryKill(entry.group ? -child.pid : child.pid, signal);
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous: safe inside process.on('exit'). */
export function killAll(): void {
  for (const [child, { group }] of live) {
    if (child.pid !== undefined) tryKill(group ? -child.pid : child.pid, 'SIGKILL');
  }
  live.clear();
}

let installed = false;
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`bench: ${sig}, stopping child processes\n`);
      killAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  process.on('uncaughtException', (e) => {
    process.stderr.write(`bench: uncaught ${e?.stack ?? e}\n`);
    killAll();
    process.exit(1);
  });
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`bench: unhandled rejection ${(e as Error)?.stack ?? e}\n`);
    killAll();
    process.exit(1);
  });
}

/**
 * A bench server child (emulator-server.ts or bare-server.ts) run with tsx: JSON lines on stdout, the CPU side
 * channel on stdin, stderr passed through.
 */
export class ServerChild {
  private queue: Record<string, unknown>[] = [];
  private waiters: ((m: Record<string, unknown> | Error) => void)[] = [];
  private exited: Error | null = null;
  readonly proc: ChildProcess;

  constructor(readonly name: string, script: string, env: NodeJS.ProcessEnv = process.env) {
    this.proc = spawnTracked(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env,
    });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        process.stderr.write(`[${name}] ${line}\n`);
        return;
      }
      const w = this.waiters.shift();
      if (w) w(msg);
      else this.queue.push(msg);
    });
    const fail = (e: Error) => {
      this.exited = e;
      for (const w of this.waiters.splice(0)) w(e);
    };
    this.proc.once('exit', (code, signal) => fail(new Error(`${name} exited (code ${code}, signal ${signal})`)));
    this.proc.once('error', (e) => fail(e));
    this.proc.stdin!.on('error', () => {});
  }

  /** The next JSON line from the child, within `timeoutMs`. */
  next(timeoutMs: number): Promise<Record<string, unknown>> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.name}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (m: Record<string, unknown> | Error) => {
        clearTimeout(timer);
        if (m instanceof Error) reject(m);
        else resolve(m);
      };
      this.waiters.push(done);
    });
  }

  async ready(timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const m = await this.next(timeoutMs);
    if (m.type !== 'ready') throw new Error(`${this.name}: expected a ready line, got ${JSON.stringify(m)}`);
    return m;
  }

  async cpu(timeoutMs = 5_000): Promise<CpuSample> {
    this.proc.stdin!.write('cpu\n');
    const m = await this.next(timeoutMs);
    if (m.type !== 'cpu') throw new Error(`${this.name}: expected a cpu line, got ${JSON.stringify(m)}`);
    return m as unknown as CpuSample;
  }

  /** Closes stdin (the child exits by itself), then kills it if it has not within 3 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.stdin!.end();
    const timer = setTimeout(() => killTracked(this.proc), 3000);
    await gone;
    clearTimeout(timer);
  }
}
