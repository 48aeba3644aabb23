import { readFileSync, statSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../../errors.js';
import type { ManifestFile } from '../../core/manifest/manifest-set.js';

const manifestExtension = /\.ya?ml$/i;

/**
 * The manifest file paths below `paths` (files, or directories walked recursively), sorted so
 * that runs compare, and the paths that could not be read at all. Hidden entries such as `.git`
 * are skipped; symlinked directories are followed once (a git-sync checkout is a symlink).
 */
export async function findManifestFiles(paths: readonly string[]): Promise<{ found: string[]; missing: ManifestFile[] }> {
  const found: string[] = [];
  const visited = new Set<string>();
  const missing: ManifestFile[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (info.isDirectory()) await walk(path, found, visited);
      else found.push(path);
    } catch (error) {
      missing.push({ path, unreadable: describeError(error) });
    }
  }
  return { found: [...new Set(found)].sort(), missing };
}

/**
 * One manifest file, read synchronously: manifests are small local files, and a synchronous read
 * costs a fraction of an asynchronous one's round trip through the thread pool. Files over
 * `maxFileBytes` are reported by size, not read.
 */
export function readManifestFile(path: string, maxFileBytes: number): ManifestFile {
  try {
    const { size } = statSync(path);
    if (size > maxFileBytes) return { path, sizeBytes: size, tooLarge: true };
    return { path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { path, unreadable: describeError(error) };
  }
}

async function walk(directory: string, found: string[], visited: Set<string>): Promise<void> {
  const real = await realpath(directory);
  if (visited.has(real)) return;
  visited.add(real);
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path).then((s) => s.isDirectory(), () => false)));
    if (isDirectory) await walk(path, found, visited);
    else if (manifestExtension.test(entry.name)) found.push(path);
  }
}
