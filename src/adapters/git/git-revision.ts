import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The commit checked out at `directory` when it is inside a git work tree, with `-dirty` and the
 * content revision appended when files there differ from the commit; undefined when it is not a
 * checkout (or git is not installed).
 */
export async function gitRevision(directory: string, contentRevision: string): Promise<string | undefined> {
  try {
    // A directory git ignores (a scratch copy inside some checkout) is not versioned by that checkout.
    const ignored = await run('git', ['-C', directory, 'check-ignore', '-q', '.'], { timeout: 5000 }).then(() => true, () => false);
    if (ignored) return undefined;
    const { stdout: head } = await run('git', ['-C', directory, 'rev-parse', 'HEAD'], { timeout: 5000 });
    const { stdout: changes } = await run('git', ['-C', directory, 'status', '--porcelain', '--', '.'], { timeout: 5000 });
    const commit = head.trim();
    return changes.trim() === '' ? commit : `${commit}-dirty-${contentRevision.replace(/^sha256:/, '')}`;
  } catch {
    return undefined;
  }
}
