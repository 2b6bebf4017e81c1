// Each run keeps its evidence under .preflight/runs/<run id>/ (observations, screenshots, the sealed pushes that
// `preflight push replay` re-sends). About half a megabyte each: without pruning a laptop running the detection all
// day would collect them forever. The reports themselves are self-contained and do not point here.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** Run ids as playwright.config.ts makes them: 20261129T072854-3f2e3256. Nothing else in the folder is touched. */
export const RUN_ID = /^\d{8}T\d{6}-[0-9a-f]{8}$/;

/**
 * Removes the oldest run folders beside `current` so that at most `keep` remain (the current one always does).
 * keep = 0 keeps everything. Gives back the folders it removed.
 */
export function pruneRuns(current: string, keep: number): string[] {
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
  for (const name of older.slice(0, Math.max(0, excess))) {
    const dir = path.join(root, name);
    try {
      if (!statSync(dir).isDirectory()) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another run may be removing it too: pruning is housekeeping, never a reason to fail a run.
    }
  }
  return removed;
}
