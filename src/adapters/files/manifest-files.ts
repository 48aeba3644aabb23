import { readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../../errors.js';
import type { ManifestFile } from '../../core/manifest/manifest-set.js';

const manifestExtension = /\.ya?ml$/i;

/**
 * The manifest file paths below `paths` (files, or directories walked recursively), sorted so
 * that runs compare, and the paths that could not be read. Hidden entries such as `.git` are
 * skipped; symlinked directories are followed once (a git-sync checkout is a symlink). A
 * directory or symlink that cannot be read is reported at its own path and the walk goes on, so
 * the files it may hold count as failed to load, never as deleted.
 */
export async function findManifestFiles(paths: readonly string[]): Promise<{ found: string[]; missing: ManifestFile[] }> {
  const walk: Walk = { found: [], visited: new Set(), missing: [] };
  for (const path of paths) {
    let info: Stats;
    try {
      info = await stat(path);
    } catch (error) {
      walk.missing.push({ path, unreadable: describeError(error) });
      continue;
    }
    if (info.isDirectory()) await walkDirectory(path, walk);
    else walk.found.push(path);
  }
  return { found: [...new Set(walk.found)].sort(), missing: walk.missing };
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

interface Walk {
  readonly found: string[];
  /** Real paths of the directories walked, so a symlink loop is walked once. */
  readonly visited: Set<string>;
  readonly missing: ManifestFile[];
}

async function walkDirectory(directory: string, walk: Walk): Promise<void> {
  let entries: Dirent[];
  try {
    const real = await realpath(directory);
    if (walk.visited.has(real)) return;
    walk.visited.add(real);
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    walk.missing.push({ path: directory, unreadable: describeError(error) });
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) await walkDirectory(path, walk);
    else if (entry.isSymbolicLink()) await walkSymlink(path, walk);
    else if (manifestExtension.test(entry.name)) walk.found.push(path);
  }
}

/** A symlink to a directory is walked; to a file, read if it is named like a manifest; a dangling one is reported. */
async function walkSymlink(path: string, walk: Walk): Promise<void> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) await walkDirectory(path, walk);
    else if (manifestExtension.test(path)) walk.found.push(path);
  } catch (error) {
    walk.missing.push({ path, unreadable: describeError(error) });
  }
}
