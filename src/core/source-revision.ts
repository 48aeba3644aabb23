import { createHash } from 'node:crypto';
import { compareCodePoints } from './render/canonical-json.js';

/** The sha256 of a file's text, hex. */
export function textDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A revision for manifests that are not a git checkout: a short hash of every file's path and
 * content digest (see textDigest; empty for a file that could not be read), so that the same
 * files always give the same revision.
 */
export function contentRevision(files: readonly { path: string; digest: string }[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => compareCodePoints(a.path, b.path))) {
    hash.update(`${file.path}\0${file.digest}\0`);
  }
  return `sha256:${hash.digest('hex').slice(0, 12)}`;
}
