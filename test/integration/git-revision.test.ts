/** The revision of a manifests directory: a git commit when it is a checkout, a content hash when not. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitCheckoutOf, revisionOf } from '../../src/adapters/git/git-revision.js';

const root = mkdtempSync(join(tmpdir(), 'kargo-revision-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=kargo', '-c', 'user.email=kargo@example.org', ...args], { encoding: 'utf8' }).trim();
}

function repository(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'geo'), { recursive: true });
  writeFileSync(join(dir, 'geo', 'a.yaml'), 'kind: GeoService\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'first');
  return dir;
}

describe('gitCheckoutOf', () => {
  it('is undefined for a directory outside any git work tree', async () => {
    const plain = join(root, 'plain');
    mkdirSync(plain);
    expect(await gitCheckoutOf(plain)).toBeUndefined();
  });

  it('is the commit of a clean subdirectory of a checkout', async () => {
    const dir = repository('clean');
    expect(await gitCheckoutOf(join(dir, 'geo'))).toEqual({ commit: git(dir, 'rev-parse', 'HEAD'), dirty: false });
  });

  it('is dirty when a file below the directory differs from the commit', async () => {
    const dir = repository('dirty');
    writeFileSync(join(dir, 'geo', 'a.yaml'), 'kind: GeoService # edited\n');
    expect(await gitCheckoutOf(join(dir, 'geo'))).toEqual({ commit: git(dir, 'rev-parse', 'HEAD'), dirty: true });
  });

  it('is undefined for a directory the checkout ignores', async () => {
    const dir = repository('ignoring');
    writeFileSync(join(dir, '.gitignore'), 'scratch/\n');
    mkdirSync(join(dir, 'scratch'));
    expect(await gitCheckoutOf(join(dir, 'scratch'))).toBeUndefined();
  });
});

describe('revisionOf', () => {
  it.each([
    [undefined, 'sha256:0123456789ab'],
    [{ commit: 'c0ffee', dirty: false }, 'c0ffee'],
    [{ commit: 'c0ffee', dirty: true }, 'c0ffee-dirty-0123456789ab'],
  ])('of checkout %j is %s', (checkout, expected) => {
    expect(revisionOf(checkout, 'sha256:0123456789ab')).toBe(expected);
  });
});
