/** What `npm run generate` derives from crds/geoservice.yaml must be committed as generated. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedArtifacts } from '../../scripts/generated-artifacts.js';

describe('generated artifacts', () => {
  it.each(generatedArtifacts())('$path is what the CRD generates', ({ path, content }) => {
    expect(readFileSync(path, 'utf8'), `${path} is out of date: run npm run generate`).toBe(content);
  });
});
