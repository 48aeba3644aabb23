/** The manifests directory watch, on a real filesystem: every kind of change ends in a fresh read. */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import { ManifestSource, type SourceRead } from '../../src/adapters/files/manifest-source.js';
import { httpManifest } from '../support/running-kargo.js';
import { waitFor } from '../support/swarm.js';

const root = mkdtempSync(join(tmpdir(), 'kargo-source-'));
let source: ManifestSource | undefined;
const reads: SourceRead[] = [];

afterEach(async () => {
  await source?.stop();
  reads.length = 0;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
});

async function watch(directory: string, valuesFiles: readonly string[] = []): Promise<SourceRead> {
  source = new ManifestSource(directory, createManifestLoader({ valuesFiles }), (read) => reads.push(read), () => undefined, { debounceMs: 50, relinkCheckMs: 100, valuesFiles });
  return source.start();
}

async function nextKeys(): Promise<string[]> {
  const read = await waitFor('a new read', () => reads.shift());
  return read.set.manifests.map((manifest) => manifest.key).sort();
}

function write(path: string, name: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, httpManifest('geo', name));
}

describe('the manifest source', () => {
  it('reads again after a file is written in place, deleted, or its directory renamed', async () => {
    write(join(root, 'a.yaml'), 'alpha');
    const first = await watch(root);
    expect(first.set.manifests.map((m) => m.key)).toEqual(['geo/alpha']);
    write(join(root, 'sub', 'b.yaml'), 'beta');
    expect(await nextKeys()).toEqual(['geo/alpha', 'geo/beta']);
    renameSync(join(root, 'sub'), join(root, 'renamed'));
    await waitFor('the renamed directory to be read', () => reads.find((read) => read.set.files.some((file) => file.includes('renamed'))));
    reads.length = 0;
    unlinkSync(join(root, 'a.yaml'));
    expect(await nextKeys()).toEqual(['geo/beta']);
  });

  it('coalesces a burst of writes into one read', async () => {
    await watch(root);
    for (let i = 0; i < 20; i++) write(join(root, `f${String(i)}.yaml`), `s${String(i)}`);
    await waitFor('the burst to be read', () => reads.find((read) => read.set.manifests.length === 20));
    expect(reads.length).toBeLessThanOrEqual(3);
  });

  it('answers every one of several refreshes requested at once', async () => {
    write(join(root, 'a.yaml'), 'alpha');
    await watch(root);
    const refreshing = source === undefined ? [] : [source.refresh(), source.refresh(), source.refresh()];
    const answered = await Promise.race([Promise.all(refreshing).then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5000))]);
    expect(answered).toBe(true);
  });

  it('answers a refresh requested before a burst of file events settles', async () => {
    await watch(root);
    write(join(root, 'a.yaml'), 'alpha');
    const refreshed = source?.refresh();
    write(join(root, 'b.yaml'), 'beta');
    const answered = await Promise.race([refreshed?.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5000))]);
    expect(answered).toBe(true);
  });

  it('follows a git-sync style symlink swapped atomically to a new checkout', async () => {
    write(join(root, 'rev1', 'a.yaml'), 'alpha');
    write(join(root, 'rev2', 'b.yaml'), 'beta');
    symlinkSync('rev1', join(root, 'current'));
    const first = await watch(join(root, 'current'));
    expect(first.set.manifests.map((m) => m.key)).toEqual(['geo/alpha']);
    symlinkSync('rev2', join(root, 'current.next'));
    renameSync(join(root, 'current.next'), join(root, 'current'));
    expect(await nextKeys()).toEqual(['geo/beta']);
  });

  it('reads again after a values file outside the directory is rewritten in place or replaced by rename, again and again', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'kargo-source-values-'));
    try {
      const values = join(outside, 'cluster.env');
      writeFileSync(values, 'RESPONSE=one\n');
      writeFileSync(join(root, 'a.yaml'), httpManifest('geo', 'alpha', '', 'RESPONSE: ${RESPONSE}'));
      const first = await watch(join(root), [values]);
      const revisions = [first.revision];
      const responseOf = (read: SourceRead): unknown => (read.set.manifests[0]?.resource.spec.env as Record<string, unknown> | undefined)?.['RESPONSE'];
      expect(responseOf(first)).toBe('one');
      for (const [index, response] of ['two', 'three', 'four'].entries()) {
        if (index === 1) writeFileSync(values, `RESPONSE=${response}\n`);
        else {
          writeFileSync(`${values}.tmp`, `RESPONSE=${response}\n`);
          renameSync(`${values}.tmp`, values);
        }
        const read = await waitFor(`a read with RESPONSE=${response}`, () => reads.find((candidate) => responseOf(candidate) === response));
        revisions.push(read.revision);
      }
      // The manifests stayed the same: only the values part of the revision moves.
      expect(new Set(revisions.map((revision) => revision.split('+')[0])).size).toBe(1);
      expect(new Set(revisions.map((revision) => revision.split('+')[1])).size).toBe(4);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
