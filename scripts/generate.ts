/**
 * `npm run generate`: rewrites what is derived from crds/geoservice.yaml. Run it after changing
 * the CRD; a unit test fails while any of these files is out of date.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generatedArtifacts } from './generated-artifacts.js';

for (const artifact of generatedArtifacts()) {
  const current = existsSync(artifact.path) ? readFileSync(artifact.path, 'utf8') : undefined;
  if (current === artifact.content) continue;
  writeFileSync(artifact.path, artifact.content);
  console.log(`updated ${artifact.path}`);
}
