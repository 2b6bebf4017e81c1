// Which code a run tested, for a reviewer who reproduces it elsewhere: the harness's commit (and whether its tree was
// changed, a mutant added or edited included), and a digest of the module that answered as the TP when it was not the
// reference TP — a file of the same name on another machine may hold other code.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `<12-char commit>`, with " (modified)" when the working tree differs from it; undefined when `root` is not the top
 * of a git checkout (outside one, or copied into another repository, whose commit would name other code).
 */
export function harnessCommit(root = ROOT): string | undefined {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    if (realpathSync(git('rev-parse', '--show-toplevel')) !== realpathSync(root)) return undefined;
    const sha = git('rev-parse', '--short=12', 'HEAD');
    // Run output (reports/, .preflight/) is ignored by .gitignore: only code and configuration count. No optional
    // locks: a run must never make a commit running beside it fail on index.lock.
    return git('--no-optional-locks', 'status', '--porcelain', '--', '.') ? `${sha} (modified)` : sha;
  } catch {
    return undefined;
  }
}

/** `sha256:<12 hex>` of a file, or undefined when it cannot be read. */
export function fileDigest(file: string): string | undefined {
  try {
    return `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12)}`;
  } catch {
    return undefined;
  }
}
