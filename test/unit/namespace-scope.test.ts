/** --namespaces: which GeoServices one Kargo manages, and when its source counts as empty. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import { inNamespaceScope, parseNamespaceScope } from '../../src/core/namespace-scope.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { httpManifest } from '../support/running-kargo.js';

describe('parseNamespaceScope', () => {
  it.each([
    ['geo', ['geo']],
    ['geo, ops', ['geo', 'ops']],
    ['geo,,ops,', ['geo', 'ops']],
  ])('reads %j as %j', (text, namespaces) => {
    expect([...(parseNamespaceScope(text) ?? [])]).toEqual(namespaces);
  });

  it.each([[undefined], [''], ['  ']])('reads %j as every namespace', (text) => {
    expect(parseNamespaceScope(text)).toBeUndefined();
  });
});

describe('inNamespaceScope', () => {
  it.each([
    ['geo/web', 'geo', true],
    ['ops/web', 'geo', false],
    ['geoserver/web', 'geo', false],
    ['ops/web', undefined, true],
  ])('%s with --namespaces %j: %j', (key, text, expected) => {
    expect(inNamespaceScope(key, parseNamespaceScope(text))).toBe(expected);
  });
});

describe('an empty source under --namespaces', () => {
  it('counts as empty when only other namespaces have manifests, so the prune guard still holds', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kargo-scope-'));
    try {
      writeFileSync(join(root, 'ops.yaml'), httpManifest('ops', 'web'));
      const set = await createManifestLoader()([root]);
      expect([snapshotOf(set, root, 'r1', new Set(['geo'])).sourceEmpty, snapshotOf(set, root, 'r1').sourceEmpty]).toEqual([true, false]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
