import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExamples } from '../../src/demo/examples.js';
import { renderFileMounts } from '../../src/core/render/file-objects.js';
import { renderServiceSpec } from '../../src/core/render/render-service-spec.js';

const examples = (await loadExamples()).manifests;
const goldenDir = 'test/fixtures/render';

describe('the rendered ServiceSpec of each example', () => {
  it.each(examples.map((example) => [example.key, example] as const))('matches its golden file for %s', (key, example) => {
    const spec = renderServiceSpec(example.resource, { revision: 'golden', sourceFile: basename(example.source.file), fileMounts: renderFileMounts(example.resource, example.contents) });
    const golden = join(goldenDir, `${key.replace('/', '.')}.json`);
    const rendered = `${JSON.stringify(spec, null, 2)}\n`;
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, rendered);
    expect(rendered).toBe(readFileSync(golden, 'utf8'));
  });
});
