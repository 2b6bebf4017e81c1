// Each run keeps its evidence under .preflight/runs/<run id>/ (observations, screenshots, the sealed pushes that
// `preflight push replay` re-sends). About half a megabyte each: without pruning a laptop running the detection all
// day would collect them forever. The reports themselves are self-contained and do not point here.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LedgerEntry } from '../emulator/ledger.ts';
import type { EchoValues } from '../emulator/pusher.ts';
import { scanBrowserStatePath } from './observations.ts';

/** A run's id: its UTC start time and a random part, e.g. 20261129T072854-3f2e3256 (so name order is age order). */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
}

/** Where run folders go (unless PREFLIGHT_RUN_DIR names one elsewhere): .preflight/runs/ under the working directory. */
export function runsRoot(): string {
  return path.resolve('.preflight', 'runs');
}

/** What newRunId makes; pruning touches nothing else in the folder. */
export const RUN_ID = /^\d{8}T\d{6}-[0-9a-f]{8}$/;

/** A folder touched this recently may belong to a run still going on beside this one: it is left alone. */
const LIVE_MS = 15 * 60_000;

/**
 * Removes the oldest run folders beside `current` so that at most `keep` remain (the current one always does, and so
 * does any touched in the last 15 minutes). keep = 0 keeps everything. Gives back the folders it removed.
 */
export function pruneRuns(current: string, keep: number, now = Date.now()): string[] {
  if (keep <= 0) return [];
  const root = path.dirname(current);
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => RUN_ID.test(n));
  } catch {
    return [];
  }
  const self = path.basename(current);
  // The id starts with its UTC start time, so name order is age order; the current run is kept whatever its name.
  const older = names.filter((n) => n !== self).sort();
  const excess = older.length - (keep - 1);
  const removed: string[] = [];
  // A run killed before its teardown leaves the admin's browser state (the TP's session cookies) in a kept folder.
  for (const name of older.slice(Math.max(0, excess))) {
    const dir = path.join(root, name);
    try {
      const st = statSync(dir);
      if (now - st.mtimeMs < LIVE_MS || !existsSync(scanBrowserStatePath(dir))) continue;
      rmSync(scanBrowserStatePath(dir), { force: true });
      utimesSync(dir, st.atime, st.mtime); // still as old as it was: the removal must not make it look live
    } catch {
      // Housekeeping only.
    }
  }
  for (const name of older.slice(0, Math.max(0, excess))) {
    const dir = path.join(root, name);
    try {
      const st = statSync(dir);
      if (!st.isDirectory() || now - st.mtimeMs < LIVE_MS) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another run may be removing it too: pruning is housekeeping, never a reason to fail a run.
    }
  }
  return removed;
}

/**
 * A push of a run as `preflight push replay` re-sends it: the sealed envelope only (ciphertext and signature, no
 * plaintext secrets), or for the echoStr handshake its four query values (none of them secret).
 */
export interface SealedPush {
  seq: number;
  event: string;
  url: string;
  target: 'auth' | 'message';
  envelope: Record<string, string>;
  echo?: EchoValues;
}

export const PUSHES_FILE = 'pushes.json';

/** Keeps every push of the ledger in `<runDir>/pushes.json` (kept under .preflight/, never under reports/). */
export function savePushes(runDir: string, entries: readonly LedgerEntry[]): SealedPush[] {
  const pushes: SealedPush[] = [];
  for (const e of entries) {
    if (e.dir !== 'push') continue;
    const p: SealedPush = { seq: e.seq, event: e.event, url: e.url, target: e.target, envelope: e.envelope };
    if (e.event === 'echoStr') p.echo = e.message as EchoValues;
    pushes.push(p);
  }
  writeFileSync(path.join(runDir, PUSHES_FILE), JSON.stringify(pushes, null, 1));
  return pushes;
}

/** The pushes a run kept, or null when it kept none (not a run folder, or a run that never finished). */
export function loadPushes(runDir: string): SealedPush[] | null {
  const file = path.join(runDir, PUSHES_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as SealedPush[];
}
