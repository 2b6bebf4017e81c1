// Where the reference TP keeps what a restart must not lose (KeeperState): a file, rewritten whole on every change
// (a few hundred bytes) through a rename, so a restart never reads half of one. A real TP keeps it in its database or
// cache service; what matters is that it lives outside the process. The folder is private to the process and removed
// when it stops: it holds tickets and tokens.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KeeperState } from './tokens.ts';

export class StateFile {
  /** Made on the first save, and removed however the process ends short of SIGKILL (close(), an exit, a crash). */
  private dir?: string;
  private readonly cleanup = () => this.remove();

  private get file(): string | undefined {
    return this.dir && path.join(this.dir, 'state.json');
  }

  save(state: KeeperState): void {
    if (!this.dir) {
      this.dir = mkdtempSync(path.join(tmpdir(), 'preflight-reference-tp-'));
      process.once('exit', this.cleanup);
    }
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    renameSync(tmp, this.file!);
  }

  load(): KeeperState | undefined {
    if (!this.file) return undefined; // Nothing persisted yet.
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as KeeperState;
    } catch {
      return undefined;
    }
  }

  remove(): void {
    if (!this.dir) return;
    rmSync(this.dir, { recursive: true, force: true });
    process.removeListener('exit', this.cleanup);
    this.dir = undefined;
  }
}
