import { setImmediate as nextTick } from 'node:timers/promises';
import { combineParsedFiles, defaultParseLimits, parseManifestFile, type ParseLimits } from '../../core/manifest/parse-manifests.js';
import { ManifestProblemCode, type ManifestFile, type ManifestSet, type ReadReferences } from '../../core/manifest/manifest-set.js';
import { manifestValidators } from '../../core/manifest/manifest-validators.js';
import { parseManifestFileWithValues, type ParsedWithValues } from '../../core/manifest/parse-with-values.js';
import { textDigest } from '../../core/source-revision.js';
import type { SecretBytes } from '../../core/manifest/file-references.js';
import { baselineContext, type PolicyContext } from '../../core/policy/policy.js';
import { findManifestFiles, readManifestFile } from './manifest-files.js';
import type { SecretOpening } from './age-identities.js';
import { readReferencedFiles } from './referenced-files.js';
import { readValuesFiles } from './values-files.js';

/** Reads and validates every manifest below some paths. */
export type ManifestLoader = (paths: readonly string[]) => Promise<ManifestSet>;

export interface ManifestLoaderOptions {
  /** Over the defaults (defaultParseLimits), limit by limit. */
  readonly limits?: Partial<ParseLimits>;
  /** Values files (`--values`), read again at every read: later files win. */
  readonly valuesFiles?: readonly string[];
  /** How the age-encrypted files of `spec.secrets` are opened (default: refused, for want of an identity). */
  readonly secrets?: SecretOpening;
  /** The operator's policy and Kargo's own service; the built-in baseline when absent. */
  readonly policy?: PolicyContext;
}

function overBudget(path: string, limits: ParseLimits): ManifestFile {
  return { path, refused: ManifestProblemCode.ReadTooLarge, reason: `not read: the files of this read pass ${String(limits.maxTotalBytes)} bytes` };
}

/** Files read between two turns of the event loop, so that a big directory never stalls it. */
const filesPerTurn = 32;

const noValues: ReadonlyMap<string, string> = new Map();

/**
 * A loader of manifest files, validating with the schema check `npm run generate` compiled, after
 * substituting the values of `valuesFiles` (none: every `${NAME}` needs its default). Each read
 * re-reads every file but parses again only the files whose text changed since the loader's
 * previous read, or that refer to values when the values changed: a resync or an edit of one file
 * among a thousand costs the reading, not the parsing, of the others.
 */
export function createManifestLoader(options: ManifestLoaderOptions = {}): ManifestLoader {
  const limits: ParseLimits = { ...defaultParseLimits, ...options.limits };
  const valuesFiles = options.valuesFiles ?? [];
  const policy = options.policy ?? baselineContext;
  let parsedByPath = new Map<string, ParsedWithValues>();
  let parsedWithValues = '';
  let decrypted: ReadonlyMap<string, SecretBytes> = new Map();
  return async (paths) => {
    const values = valuesFiles.length === 0 ? undefined : readValuesFiles(valuesFiles);
    const valuesKey = values?.revision ?? '';
    const { found, missing } = await findManifestFiles(paths, limits.maxFiles);
    const parsed = missing.map((file) => parseManifestFile(file, manifestValidators, limits, policy));
    const next = new Map<string, ParsedWithValues>();
    let totalBytes = 0;
    for (const [index, entry] of found.entries()) {
      if (index > 0 && index % filesPerTurn === 0) await nextTick();
      const { path } = entry;
      let file = totalBytes > limits.maxTotalBytes ? overBudget(path, limits) : readManifestFile(entry, limits.maxFileBytes);
      if ('text' in file) {
        totalBytes += Buffer.byteLength(file.text);
        // The file that crosses the budget is refused too, and every file after it is not even read.
        if (totalBytes > limits.maxTotalBytes) file = overBudget(path, limits);
      }
      const previous = parsedByPath.get(path);
      const reusable = 'text' in file && previous !== undefined && previous.digest === textDigest(file.text) && (!previous.usesValues || valuesKey === parsedWithValues);
      const result = reusable ? previous : parseManifestFileWithValues(file, values?.values ?? noValues, manifestValidators, limits, policy);
      if (result.digest !== '') next.set(path, result);
      parsed.push(result);
    }
    parsedByPath = next;
    parsedWithValues = valuesKey;
    const cache = { previous: decrypted, next: new Map<string, SecretBytes>() };
    const foundByPath = new Map(found.map((entry) => [entry.path, entry]));
    const references = await readReferencedFiles(parsed.flatMap((file) => file.candidates), foundByPath, options.secrets ?? {}, cache);
    decrypted = cache.next;
    const set = combineParsedFiles(parsed, references);
    return { ...set, contentRevision: withReferencedFiles(set.contentRevision, references), ...(values === undefined ? {} : { valuesRevision: values.revision }) };
  };
}

/** The content revision of manifests and the files they name: editing a mapfile alone is a new revision. */
function withReferencedFiles(revision: string, references: ReadonlyMap<unknown, ReadReferences>): string {
  const digests = [...references.values()].flatMap((read) => [...read.contents.values()].map((content) => content.digest));
  return digests.length === 0 ? revision : `sha256:${textDigest([revision, ...digests.sort()].join('\n')).slice(0, 12)}`;
}
