import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { opendir, realpath, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { describeError } from '../../errors.js';
import { ManifestProblemCode, type ManifestFile } from '../../core/manifest/manifest-set.js';

const manifestExtension = /\.ya?ml$/i;

/** A manifest file found by the walk: the path it is reported at, and its real path (inside the root), which is what is read. */
export interface FoundFile {
  readonly path: string;
  readonly real: string;
  /** The real path of the root it was found below (a file given as a root: its directory): the files it names stay inside. */
  readonly root: string;
}

/**
 * The manifest files below `paths` (files, or directories walked recursively), sorted so that
 * runs compare, and the paths that could not be taken. Hidden entries such as `.git` are
 * skipped. Each path is a root, resolved once per read (git-sync and Kargo's git source swap a
 * `current` symlink): a symlink below it is followed only when its real path stays inside the
 * real root, so a committed link to `/etc` or `/dev/zero` is an `outside-root` problem, never
 * read. A directory or symlink that cannot be read is reported at its own path and the walk goes
 * on, so the files it may hold count as failed to load, never as deleted. The walk stops past
 * `maxFiles` files (one `too-many-files` problem at the root), so a huge tree costs no more.
 */
export async function findManifestFiles(paths: readonly string[], maxFiles = Number.POSITIVE_INFINITY): Promise<{ found: FoundFile[]; missing: ManifestFile[] }> {
  const missing: ManifestFile[] = [];
  const byPath = new Map<string, FoundFile>();
  for (const path of paths) {
    let root: string;
    try {
      root = await realpath(path);
      if (!(await stat(root)).isDirectory()) {
        byPath.set(path, { path, real: root, root: dirname(root) });
        continue;
      }
    } catch (error) {
      missing.push({ path, unreadable: describeError(error) });
      continue;
    }
    const walk: Walk = { root, found: [], visited: new Set(), missing, maxFiles };
    await walkDirectory(path, root, walk);
    for (const file of walk.found.slice(0, maxFiles)) byPath.set(file.path, file);
    if (walk.found.length > maxFiles) {
      missing.push({ path, refused: ManifestProblemCode.TooManyFiles, reason: `more than ${String(maxFiles)} manifest files below ${path}; the others are not read` });
    }
  }
  return { found: [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), missing };
}

/**
 * One manifest file, read synchronously: manifests are small local files, and a synchronous read
 * costs a fraction of an asynchronous one's round trip through the thread pool.
 */
export function readManifestFile(file: FoundFile, maxFileBytes: number): ManifestFile {
  const { path } = file;
  const read = readRegularFile(file.real, maxFileBytes);
  if ('bytes' in read) return { path, text: read.bytes.toString('utf8') };
  if ('tooLarge' in read) return { path, sizeBytes: read.sizeBytes, tooLarge: true };
  if ('notRegular' in read) return notRegular(path);
  return { path, unreadable: read.unreadable };
}

/** A file's bytes, or why they were not read. */
export type RegularFileRead =
  | { readonly bytes: Buffer }
  | { readonly tooLarge: true; readonly sizeBytes: number }
  | { readonly notRegular: true }
  | { readonly unreadable: string; readonly missing: boolean };

/**
 * Reads a regular file, never a FIFO (which would block) nor a device, without following a
 * symlink swapped in since the path was resolved, and at most `maxBytes + 1` bytes whatever its
 * size says (a file can grow, and some report 0 bytes).
 */
export function readRegularFile(real: string, maxBytes: number): RegularFileRead {
  let fd: number | undefined;
  try {
    if (!lstatSync(real).isFile()) return { notRegular: true };
    fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const info = fstatSync(fd);
    if (!info.isFile()) return { notRegular: true };
    if (info.size > maxBytes) return { sizeBytes: info.size, tooLarge: true };
    const chunks: Buffer[] = [];
    let length = 0;
    // The first read is sized by fstat (plus one byte, to see a file that grew): a manifest of a
    // few hundred bytes costs no 64 KiB buffer (1,000 of those made the garbage collector run).
    while (length <= maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(length === 0 ? info.size + 1 : 64 * 1024, maxBytes + 1 - length));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      length += read;
    }
    if (length > maxBytes) return { sizeBytes: Math.max(length, info.size), tooLarge: true };
    return { bytes: Buffer.concat(chunks, length) };
  } catch (error) {
    return { unreadable: describeError(error), missing: (error as { code?: unknown }).code === 'ENOENT' };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function notRegular(path: string): ManifestFile {
  return { path, refused: ManifestProblemCode.NotARegularFile, reason: 'not a regular file (a FIFO, device or socket): not read' };
}

interface Walk {
  /** The real path of the root being walked. */
  readonly root: string;
  readonly found: FoundFile[];
  /** Real paths of the directories walked, so a symlink loop is walked once. */
  readonly visited: Set<string>;
  readonly missing: ManifestFile[];
  readonly maxFiles: number;
}

/** Whether a real path is the real root or below it. */
export function insideRoot(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

async function walkDirectory(directory: string, real: string, walk: Walk): Promise<void> {
  if (walk.visited.has(real)) return;
  walk.visited.add(real);
  try {
    // Entries one at a time: a directory of a million entries is never held as one array.
    for await (const entry of await opendir(directory)) {
      if (walk.found.length > walk.maxFiles) return;
      if (entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walkDirectory(path, join(real, entry.name), walk);
      else if (entry.isSymbolicLink()) await walkSymlink(path, walk);
      else if (manifestExtension.test(entry.name)) walk.found.push({ path, real: join(real, entry.name), root: walk.root });
    }
  } catch (error) {
    walk.missing.push({ path: directory, unreadable: describeError(error) });
  }
}

/**
 * A symlink to a directory is walked; to a file, read if it is named like a manifest; a dangling
 * one is reported; one whose real path leaves the root is reported and not followed.
 */
async function walkSymlink(path: string, walk: Walk): Promise<void> {
  try {
    const real = await realpath(path);
    const directory = (await stat(real)).isDirectory();
    if (!directory && !manifestExtension.test(path)) return;
    if (!insideRoot(real, walk.root)) {
      walk.missing.push({ path, refused: ManifestProblemCode.OutsideRoot, reason: `resolves to ${real}, outside the manifests root ${walk.root}: not followed` });
    } else if (directory) await walkDirectory(path, real, walk);
    else walk.found.push({ path, real, root: walk.root });
  } catch (error) {
    walk.missing.push({ path, unreadable: describeError(error) });
  }
}
