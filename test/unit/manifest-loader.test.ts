/**
 * The loader keeps what it parsed while a file's text stays the same, and never longer; what it
 * cannot read is reported at its own path.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManifestLoader, type ManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import type { ManifestSet } from '../../src/core/manifest/manifest-set.js';
import { desiredStateOf } from '../../src/core/desired-state.js';
import { httpManifest } from '../support/running-kargo.js';

let root = '';
let load: ManifestLoader;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kargo-loader-'));
  load = createManifestLoader();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function put(file: string, name: string, env = 'RESPONSE: hello'): void {
  writeFileSync(join(root, file), httpManifest('geo', name, '', env));
}

function resourceOf(set: ManifestSet, key: string): unknown {
  return set.manifests.find((manifest) => manifest.key === key)?.resource;
}

const read = (): Promise<ManifestSet> => load([root]);

describe('createManifestLoader', () => {
  it('hands back the same parsed manifest for a file whose text did not change', async () => {
    put('a.yaml', 'alpha');
    put('b.yaml', 'beta');
    const first = await read();
    put('b.yaml', 'beta', 'RESPONSE: changed');
    const second = await read();
    expect(resourceOf(second, 'geo/alpha')).toBe(resourceOf(first, 'geo/alpha'));
    expect(resourceOf(second, 'geo/beta')).not.toBe(resourceOf(first, 'geo/beta'));
    expect(resourceOf(second, 'geo/beta')).toMatchObject({ spec: { env: { RESPONSE: 'changed' } } });
  });

  it('sees an edit of the same length made right after a read (content, not timestamps, decides)', async () => {
    put('a.yaml', 'alpha', 'RESPONSE: one');
    await read();
    put('a.yaml', 'alpha', 'RESPONSE: two');
    expect(resourceOf(await read(), 'geo/alpha')).toMatchObject({ spec: { env: { RESPONSE: 'two' } } });
  });

  it('drops the manifests of a file deleted since the last read', async () => {
    put('a.yaml', 'alpha');
    put('b.yaml', 'beta');
    await read();
    unlinkSync(join(root, 'b.yaml'));
    const after = await read();
    expect(after.manifests.map((manifest) => manifest.key)).toEqual(['geo/alpha']);
    expect(after.files).toEqual([join(root, 'a.yaml')]);
  });

  it('keeps the rules between files working on reused files: a new duplicate rejects both', async () => {
    put('a.yaml', 'alpha');
    await read();
    put('b.yaml', 'alpha');
    const after = await read();
    expect(after.manifests).toEqual([]);
    expect(after.problems.map((problem) => [problem.file, problem.line, problem.code])).toEqual([
      [join(root, 'a.yaml'), 3, 'duplicate-name'],
      [join(root, 'b.yaml'), 3, 'duplicate-name'],
    ]);
  });

  it('changes the content revision with the content, and only then', async () => {
    put('a.yaml', 'alpha');
    const first = await read();
    expect((await read()).contentRevision).toBe(first.contentRevision);
    put('a.yaml', 'alpha', 'RESPONSE: changed');
    expect((await read()).contentRevision).not.toBe(first.contentRevision);
  });

  it('reads a file again once it is back under the size limit', async () => {
    const small = createManifestLoader({ limits: { maxFileBytes: 1000 } });
    put('a.yaml', 'alpha', `RESPONSE: ${'x'.repeat(1000)}`);
    expect((await small([root])).problems.map((problem) => problem.code)).toEqual(['file-too-large']);
    put('a.yaml', 'alpha');
    expect((await small([root])).manifests.map((manifest) => manifest.key)).toEqual(['geo/alpha']);
  });
});

describe('a loader with values files', () => {
  it('parses again the files that use values when a value changes, and keeps the others', async () => {
    const values = join(root, 'cluster.env');
    writeFileSync(values, 'RESPONSE=one\n');
    put('a.yaml', 'alpha', 'RESPONSE: ${RESPONSE}');
    put('b.yaml', 'beta');
    const withValues = createManifestLoader({ valuesFiles: [values] });
    const first = await withValues([root]);
    expect(resourceOf(first, 'geo/alpha')).toMatchObject({ spec: { env: { RESPONSE: 'one' } } });
    const again = await withValues([root]);
    expect(resourceOf(again, 'geo/alpha')).toBe(resourceOf(first, 'geo/alpha'));
    writeFileSync(values, 'RESPONSE=two\n');
    const second = await withValues([root]);
    expect(resourceOf(second, 'geo/alpha')).toMatchObject({ spec: { env: { RESPONSE: 'two' } } });
    expect(resourceOf(second, 'geo/beta')).toBe(resourceOf(first, 'geo/beta'));
    // The files did not change: their content revision stays, the values revision moves.
    expect(second.contentRevision).toBe(first.contentRevision);
    expect(second.valuesRevision).toMatch(/^values\.[0-9a-f]{12}$/);
    expect(second.valuesRevision).not.toBe(first.valuesRevision);
  });

  it('gives no values revision without values files', async () => {
    put('a.yaml', 'alpha');
    expect((await read()).valuesRevision).toBeUndefined();
  });
});

describe('what the loader cannot read', () => {
  const problemsOf = (set: ManifestSet): { file: string; code: string; key: string | undefined }[] =>
    set.problems.map((problem) => ({ file: problem.file, code: problem.code, key: problem.key }));

  it('reports a dangling symlink at its own path and still reads the other files', async () => {
    put('a.yaml', 'alpha');
    mkdirSync(join(root, 'geo'));
    put('geo/b.yaml', 'beta');
    symlinkSync(join(root, 'gone'), join(root, 'team'));
    const set = await read();
    expect(set.manifests.map((manifest) => manifest.key)).toEqual(['geo/alpha', 'geo/beta']);
    expect(problemsOf(set)).toEqual([{ file: join(root, 'team'), code: 'file-unreadable', key: undefined }]);
  });

  it('reports a root that does not exist as unreadable, not as an empty source', async () => {
    const set = await load([join(root, 'nowhere')]);
    expect(problemsOf(set)).toEqual([{ file: join(root, 'nowhere'), code: 'file-unreadable', key: undefined }]);
  });

  it('names the files it could not read as unidentified in the desired state, so nothing is pruned', async () => {
    put('a.yaml', 'alpha');
    writeFileSync(join(root, 'moved.yaml'), 'apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: {name: [\n');
    const state = desiredStateOf(await read(), root, 'r1');
    expect([...state.unidentifiedFiles]).toEqual(['moved.yaml']);
  });
});
