import { join, resolve } from 'node:path';
import { secretOpeningOf } from '../adapters/files/age-identities.js';
import { createManifestLoader } from '../adapters/files/manifest-loader.js';
import type { ManifestSet } from '../core/manifest/manifest-set.js';

/** The repository's examples/ directory (from the repository root, where npm runs). */
export const examplesDir = resolve('examples');

/** The demo identity the examples' secrets are encrypted to: public on purpose, for examples only. */
export const exampleAgeIdentityFile = join(examplesDir, 'demo-age-identity.txt');

/** The examples as Kargo reads them, their secrets opened with the demo identity. */
export async function loadExamples(): Promise<ManifestSet> {
  return createManifestLoader({ secrets: secretOpeningOf(exampleAgeIdentityFile, 'refuse') })([examplesDir]);
}
