/** The revision of manifests read with values: `<revision>+values.<hash>`, a valid label value that shows no value. */
import { describe, expect, it } from 'vitest';
import { revisionWithValues, valuesRevision } from '../../src/core/source-revision.js';

describe('valuesRevision', () => {
  it('depends on the names and values, not on their order', () => {
    const a = valuesRevision(new Map([['A', '1'], ['B', '2']]));
    expect(a).toMatch(/^values\.[0-9a-f]{12}$/);
    expect(valuesRevision(new Map([['B', '2'], ['A', '1']]))).toBe(a);
    expect(valuesRevision(new Map([['A', '1'], ['B', '3']]))).not.toBe(a);
    expect(valuesRevision(new Map([['A', '12'], ['B', '']]))).not.toBe(valuesRevision(new Map([['A', '1'], ['B', '2']])));
  });
});

describe('revisionWithValues', () => {
  it.each([
    ['a commit', '3f0c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39', 'values.0123456789ab', '3f0c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39+values.0123456789ab'],
    ['a content hash', 'sha256:aaaaaaaaaaaa', 'values.0123456789ab', 'sha256:aaaaaaaaaaaa+values.0123456789ab'],
    ['no values', 'sha256:aaaaaaaaaaaa', undefined, 'sha256:aaaaaaaaaaaa'],
  ])('%s', (_name, revision, values, expected) => {
    expect(revisionWithValues(revision, values)).toBe(expected);
  });
});
