import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../../errors.js';
import type { ManifestFile } from '../../core/manifest/manifest-set.js';

const manifestExtension = /\.ya?ml$/i;

/**
 * Reads the manifest files at `paths` (files, or directories walked recursively). Hidden entries
 * such as `.git` are skipped; symlinked directories are followed once (a git-sync checkout is a
 * symlink); files over `maxFileBytes` are reported by size, not read. Sorted, so runs compare.
 */
export async function readManifestFiles(paths: readonly string[], maxFileBytes: number): Promise<ManifestFile[]> {
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
  const files = await Promise.all([...new Set(found)].sort().map((path) => readOne(path, maxFileBytes)));
  return [...missing, ...files];
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

async function readOne(path: string, maxFileBytes: number): Promise<ManifestFile> {
  try {
    const { size } = await stat(path);
    if (size > maxFileBytes) return { path, sizeBytes: size, tooLarge: true };
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    return { path, unreadable: describeError(error) };
  }
}
