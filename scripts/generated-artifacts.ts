import { existsSync, readFileSync } from 'node:fs';
import { crdSources, readCrdSchema } from './crd.js';
import { renderJsonSchema, renderReference, renderTypes, spliceSection } from './crd-codegen.js';
import { renderMetrics, renderPresets, renderRunFlags } from './readme-sections.js';
import { renderPrecompiledValidator } from './validator-codegen.js';

/** Every file derived from the CRDs, with the content it must have. */
export function generatedArtifacts(): { path: string; content: string }[] {
  const readme = existsSync('README.md') ? readFileSync('README.md', 'utf8') : '';
  const kinds = crdSources.map((source) => ({ source, schema: readCrdSchema(source) }));
  const sections: [string, string][] = [
    ...kinds.map(({ source, schema }): [string, string] => [source.readmeSection, renderReference(schema)]),
    ['engine-presets', renderPresets()],
    ['run-flags', renderRunFlags()],
    ['metrics-reference', renderMetrics()],
  ];
  return [
    ...kinds.flatMap(({ source, schema }) => [
      { path: `src/core/manifest/${source.stem}.generated.ts`, content: renderTypes(schema, source) },
      { path: `crds/${source.stem}.schema.json`, content: renderJsonSchema(schema, source) },
      { path: `src/core/manifest/${source.stem}-validator.generated.ts`, content: renderPrecompiledValidator(schema, source) },
    ]),
    { path: 'README.md', content: sections.reduce((text, [section, content]) => spliceSection(text, section, content), readme) },
  ];
}
