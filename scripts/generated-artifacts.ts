import { existsSync, readFileSync } from 'node:fs';
import { crdPath, readCrdSchema } from './crd.js';
import { renderJsonSchema, renderReference, renderTypes, spliceSection } from './crd-codegen.js';
import { renderMetrics, renderPresets, renderRunFlags } from './readme-sections.js';
import { renderPrecompiledValidator } from './validator-codegen.js';

/** Every file derived from the CRD, with the content it must have. */
export function generatedArtifacts(): { path: string; content: string }[] {
  const schema = readCrdSchema();
  const readme = existsSync('README.md') ? readFileSync('README.md', 'utf8') : '';
  return [
    { path: 'src/core/manifest/geoservice.generated.ts', content: renderTypes(schema, crdPath) },
    { path: 'crds/geoservice.schema.json', content: renderJsonSchema(schema) },
    { path: 'src/core/manifest/geoservice-validator.generated.ts', content: renderPrecompiledValidator(schema, crdPath) },
    {
      path: 'README.md',
      content: [
        ['manifest-reference', renderReference(schema)],
        ['engine-presets', renderPresets()],
        ['run-flags', renderRunFlags()],
        ['metrics-reference', renderMetrics()],
      ].reduce((text, [section = '', content = '']) => spliceSection(text, section, content), readme),
    },
  ];
}
