import { defaultParseLimits, parseManifests, type ParseLimits } from '../../core/manifest/parse-manifests.js';
import type { ManifestSet } from '../../core/manifest/manifest-set.js';
import { compileSchemaValidator } from '../../core/manifest/schema-validator.js';
import { readGeoServiceSchema } from './geoservice-schema.js';
import { readManifestFiles } from './manifest-files.js';

/** Reads and validates every manifest below some paths. */
export type ManifestLoader = (paths: readonly string[]) => Promise<ManifestSet>;

/** A loader with the schema compiled once, for the lifetime of the process. */
export function createManifestLoader(limits: ParseLimits = defaultParseLimits): ManifestLoader {
  const validate = compileSchemaValidator(readGeoServiceSchema());
  return async (paths) => parseManifests(await readManifestFiles(paths, limits.maxFileBytes), validate, limits);
}
