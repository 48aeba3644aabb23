import { createHash } from 'node:crypto';
import { compareCodePoints } from './render/canonical-json.js';

/**
 * A revision for manifests that are not a git checkout: a short hash of every file's path and
 * content, so that the same files always give the same revision.
 */
export function contentRevision(files: readonly { path: string; text?: string }[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => compareCodePoints(a.path, b.path))) {
    hash.update(`${file.path}\0${file.text ?? ''}\0`);
  }
  return `sha256:${hash.digest('hex').slice(0, 12)}`;
}
