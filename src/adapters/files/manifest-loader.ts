import { defaultParseLimits, parseManifests, type ParseLimits } from '../../core/manifest/parse-manifests.js';
import type { ManifestSet } from '../../core/manifest/manifest-set.js';
import { compileSchemaValidator, type SchemaValidator } from '../../core/manifest/schema-validator.js';
import { readGeoServiceSchema } from './geoservice-schema.js';
import { readManifestFiles } from './manifest-files.js';

/** Reads and validates every manifest below some paths. */
export type ManifestLoader = (paths: readonly string[]) => Promise<ManifestSet>;

let validator: SchemaValidator | undefined;

/** The schema validator, compiled once for the lifetime of the process (compiling takes ~100 ms). */
export function geoServiceValidator(): SchemaValidator {
  validator ??= compileSchemaValidator(readGeoServiceSchema());
  return validator;
}

/** A loader of manifest files, validating with the process-wide compiled schema. */
export function createManifestLoader(limits: ParseLimits = defaultParseLimits): ManifestLoader {
  const validate = geoServiceValidator();
  return async (paths) => parseManifests(await readManifestFiles(paths, limits.maxFileBytes), validate, limits);
}
