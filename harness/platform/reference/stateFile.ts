// Where the reference TP keeps what a restart must not lose (KeeperState): a file, rewritten whole on every change
// (a few hundred bytes) through a rename, so a restart never reads half of one. A real TP keeps it in its database or
// cache service; what matters is that it lives outside the process. The folder is private to the process and removed
// when it stops: it holds tickets and tokens.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KeeperState } from './tokens.ts';

export class StateFile {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'preflight-reference-tp-'));
  private readonly file = path.join(this.dir, 'state.json');

  save(state: KeeperState): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  load(): KeeperState | undefined {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as KeeperState;
    } catch {
      return undefined; // Nothing persisted yet.
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
