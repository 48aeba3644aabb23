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

/**
 * `values.<hash>` of the values substituted into the manifests: a short hash of every name and
 * value, so that a values change shows in the revision without showing a value.
 */
export function valuesRevision(values: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const name of [...values.keys()].sort(compareCodePoints)) hash.update(`${name}\0${values.get(name) ?? ''}\0`);
  return `values.${hash.digest('hex').slice(0, 12)}`;
}

/** The revision of manifests read with values: `<revision>+values.<hash>` (a valid label value), or the revision alone without values. */
export function revisionWithValues(revision: string, values: string | undefined): string {
  return values === undefined ? revision : `${revision}+${values}`;
}
