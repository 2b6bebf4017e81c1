// The `preflight` command as a user runs it, for the tests: a whole run (runCli) or one to talk to while it runs
// (spawnCli). Environment variables set to undefined are not passed on.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './runDetection.ts';

export interface CliResult {
  /** The exit code; 1 when a signal ended it. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to its stdin, which is then closed (closed at once without it). */
  stdin?: string;
  /** Killed after this long (default 60 s). */
  timeoutMs?: number;
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
}

export function spawnCli(args: string[], opts: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [join(ROOT, 'bin/preflight.js'), ...args], {
    cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.end(opts.stdin ?? '');
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const running = spawnCli(args, opts);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await running.exited;
  clearTimeout(timer);
  return { code: code ?? 1, stdout: running.stdout(), stderr: running.stderr() };
}
