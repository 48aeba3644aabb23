import { setImmediate as nextTick } from 'node:timers/promises';
import { combineParsedFiles, defaultParseLimits, parseManifestFile, type ParsedFile, type ParseLimits } from '../../core/manifest/parse-manifests.js';
import type { ManifestSet } from '../../core/manifest/manifest-set.js';
import { manifestValidators } from '../../core/manifest/manifest-validators.js';
import { textDigest } from '../../core/source-revision.js';
import { findManifestFiles, readManifestFile } from './manifest-files.js';

/** Reads and validates every manifest below some paths. */
export type ManifestLoader = (paths: readonly string[]) => Promise<ManifestSet>;

/** Files read between two turns of the event loop, so that a big directory never stalls it. */
const filesPerTurn = 32;

/**
 * A loader of manifest files, validating with the schema check `npm run generate` compiled. Each read
 * re-reads every file but parses again only the files whose text changed since the loader's
 * previous read: a resync or an edit of one file among a thousand costs the reading, not the
 * parsing, of the others.
 */
export function createManifestLoader(limits: ParseLimits = defaultParseLimits): ManifestLoader {
  let parsedByPath = new Map<string, ParsedFile>();
  return async (paths) => {
    const { found, missing } = await findManifestFiles(paths);
    const parsed = missing.map((file) => parseManifestFile(file, manifestValidators, limits));
    const next = new Map<string, ParsedFile>();
    for (const [index, path] of found.entries()) {
      if (index > 0 && index % filesPerTurn === 0) await nextTick();
      const file = readManifestFile(path, limits.maxFileBytes);
      const previous = parsedByPath.get(path);
      const reusable = 'text' in file && previous !== undefined && previous.digest === textDigest(file.text);
      const result = reusable ? previous : parseManifestFile(file, manifestValidators, limits);
      if (result.digest !== '') next.set(path, result);
      parsed.push(result);
    }
    parsedByPath = next;
    return combineParsedFiles(parsed);
  };
}
