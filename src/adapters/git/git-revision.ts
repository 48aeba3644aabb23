import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The commit a directory is checked out at, and whether its files differ from that commit. */
export interface GitCheckout {
  readonly commit: string;
  readonly dirty: boolean;
}

/**
 * The checkout `directory` is in, or undefined when it is not in a git work tree (or git is not
 * installed). No git process is started for a directory with no `.git` above it.
 */
export async function gitCheckoutOf(directory: string): Promise<GitCheckout | undefined> {
  if (!insideWorkTree(directory)) return undefined;
  try {
    // A directory git ignores (a scratch copy inside some checkout) is not versioned by that checkout.
    const ignored = await run('git', ['-C', directory, 'check-ignore', '-q', '.'], { timeout: 5000 }).then(() => true, () => false);
    if (ignored) return undefined;
    const [{ stdout: head }, { stdout: changes }] = await Promise.all([
      run('git', ['-C', directory, 'rev-parse', 'HEAD'], { timeout: 5000 }),
      run('git', ['-C', directory, 'status', '--porcelain', '--', '.'], { timeout: 5000 }),
    ]);
    return { commit: head.trim(), dirty: changes.trim() !== '' };
  } catch {
    return undefined;
  }
}

/** The revision of a read: the commit, with `-dirty-` and the content revision when files differ from it. */
export function revisionOf(checkout: GitCheckout | undefined, contentRevision: string): string {
  if (checkout === undefined) return contentRevision;
  return checkout.dirty ? `${checkout.commit}-dirty-${contentRevision.replace(/^sha256:/, '')}` : checkout.commit;
}

/** Whether `directory` or a parent holds a `.git` (a directory, or a worktree's file). */
function insideWorkTree(directory: string): boolean {
  for (let current = resolve(directory); ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return true;
    if (dirname(current) === current) return false;
  }
}
