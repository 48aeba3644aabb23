/**
 * Hostile files and trees become manifest problems naming the file, never a crash or an
 * exhausted heap, and never a reason to prune: the problems carry no key, so the file counts as
 * unidentified and holds every removal, while the valid manifests beside it still load.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import { desiredStateOf, planPolicyOf } from '../../src/core/desired-state.js';
import { pruneRefusal } from '../../src/core/diff/plan-changes.js';
import type { ManifestSet } from '../../src/core/manifest/manifest-set.js';
import { defaultParseLimits } from '../../src/core/manifest/parse-manifests.js';
import { checkYamlShape, scanTokens } from '../../src/core/manifest/yaml-shape.js';
import { httpManifest } from '../support/running-kargo.js';

let base = '';
let root = '';

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'kargo-limits-'));
  root = join(base, 'manifests');
  mkdirSync(root);
  writeFileSync(join(root, 'valid.yaml'), httpManifest('geo', 'valid'));
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

const oneMiB = 1024 * 1024;

function problemsOf(set: ManifestSet): string[] {
  return set.problems.map((problem) => `${problem.file.slice(root.length + 1)} ${problem.code}`);
}

/** The valid manifest loaded, the hostile one reported without a key, and pruning held. */
function expectHeld(set: ManifestSet): void {
  expect(set.manifests.map((manifest) => manifest.key)).toEqual(['geo/valid']);
  expect(set.problems.every((problem) => problem.key === undefined)).toBe(true);
  const state = desiredStateOf(set, root, 'rev');
  expect(state.desired.map((service) => service.key)).toEqual(['geo/valid']);
  expect(pruneRefusal(planPolicyOf(state, false, { prune: true, allowEmpty: true }))).toMatch(/removing no service/);
}

const load = (limits = {}): Promise<ManifestSet> => createManifestLoader({ limits })([root]);

describe('the loader refuses paths that leave the manifests root', () => {
  it('reports a symlinked file outside the root and does not read it', async () => {
    writeFileSync(join(base, 'secret.yaml'), httpManifest('geo', 'foreign'));
    symlinkSync(join(base, 'secret.yaml'), join(root, 'link.yaml'));
    const set = await load();
    expect(problemsOf(set)).toEqual(['link.yaml outside-root']);
    expect(set.problems[0]?.message).toContain('not followed');
    expectHeld(set);
  });

  it('reports a symlinked directory outside the root and does not walk it', async () => {
    mkdirSync(join(base, 'elsewhere'));
    writeFileSync(join(base, 'elsewhere', 'a.yaml'), httpManifest('geo', 'foreign'));
    symlinkSync(join(base, 'elsewhere'), join(root, 'etc'));
    expect(problemsOf(await load())).toEqual(['etc outside-root']);
  });

  it('reports a symlink to /dev/zero at once, with no read (stat says 0 bytes)', async () => {
    symlinkSync('/dev/zero', join(root, 'zero.yaml'));
    const started = Date.now();
    const set = await load();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(problemsOf(set)).toEqual(['zero.yaml outside-root']);
    expectHeld(set);
  });

  it('follows a relative symlink that stays inside the root', async () => {
    mkdirSync(join(root, '.shared'));
    writeFileSync(join(root, '.shared', 'b.yml'), httpManifest('geo', 'other'));
    symlinkSync('.shared/b.yml', join(root, 'b.yaml'));
    const set = await load();
    expect(set.problems).toEqual([]);
    expect(set.manifests.map((manifest) => manifest.source.file.slice(root.length + 1))).toEqual(['b.yaml', 'valid.yaml']);
  });
});

describe('the loader reads only regular files', () => {
  it('reports a FIFO, and a symlink to one, without blocking on them', async () => {
    execFileSync('mkfifo', [join(root, 'pipe.yaml')]);
    symlinkSync('pipe.yaml', join(root, 'to-pipe.yaml'));
    const set = await load();
    expect(problemsOf(set)).toEqual(['pipe.yaml not-a-regular-file', 'to-pipe.yaml not-a-regular-file']);
    expectHeld(set);
  });
});

describe('the loader limits what one file may hold', () => {
  it.each([
    ['1 MiB of [', '['.repeat(oneMiB - 1), 'yaml-too-deep'],
    ['1 MiB of {a:', '{a: '.repeat(oneMiB / 4 - 1), 'yaml-too-deep'],
    ['compact block sequences', '- '.repeat(oneMiB / 2 - 1), 'yaml-too-deep'],
    ['deep indentation', Array.from({ length: 1400 }, (_, depth) => `${' '.repeat(depth)}k:`).join('\n'), 'yaml-too-deep'],
    ['brackets hidden behind quotes that close nothing', `a: ["]]]]", ${'["]]]", '.repeat(20_000)}`, 'yaml-too-deep'],
    ['262,144 documents', '---\n'.repeat(oneMiB / 4 - 1), 'too-many-documents'],
    ['documents after ...', 'a: 1\n...\n'.repeat(2000), 'too-many-documents'],
    ['a flat list of 500,000 items', `[${'0,'.repeat(oneMiB / 2 - 2)}]`, 'too-many-nodes'],
    ['a block list of empty items', '-\n'.repeat(oneMiB / 2 - 1), 'too-many-nodes'],
  ])('refuses %s before parsing it, with little memory', async (_, text, code) => {
    writeFileSync(join(root, 'hostile.yaml'), text);
    const heapBefore = process.memoryUsage().heapUsed;
    const set = await load();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * oneMiB);
    expect(problemsOf(set)).toEqual([`hostile.yaml ${code}`]);
    expectHeld(set);
  });

  it('accepts brackets, quotes and deep text inside strings and block scalars', () => {
    const text = ['a: "[[[[[[ \\" ]"', "b: '{{{{ '' '", 'c: |', `  ${'['.repeat(500)}`, '  " unclosed', `d: [${'[1], '.repeat(100)}]`].join('\n');
    expect(checkYamlShape(text, defaultParseLimits)).toBeUndefined();
  });

  // Small texts take the character scan's shortcut when they are within every limit: it must
  // never let through what the lexer would refuse, right at the edge of each limit.
  it.each([
    ['brackets', (n: number) => '['.repeat(n)],
    ['brackets after a key', (n: number) => `a: ${'['.repeat(n)}`],
    ['block indicators on a line', (n: number) => '- '.repeat(n)],
    ['indentation', (n: number) => Array.from({ length: n }, (_, depth) => `${' '.repeat(depth)}k:`).join('\n')],
    ['documents', (n: number) => `a: 1\n${'---\na: 1\n'.repeat(n * 16)}`],
    ['empty list items', (n: number) => '-\n'.repeat(n * 400)],
    ['flow items', (n: number) => `[${'0,'.repeat(n * 400)}]`],
  ])('never accepts %s the lexer refuses', (_, make) => {
    for (let n = 55; n <= 75; n++) {
      const text = make(n);
      const lexed = scanTokens(text, defaultParseLimits)?.limit;
      if (lexed !== undefined) expect(checkYamlShape(text, defaultParseLimits)?.limit).toBe(lexed);
    }
  });

  it('names the line where the limit was passed', async () => {
    writeFileSync(join(root, 'hostile.yaml'), `a: 1\nb: ${'['.repeat(100)}`);
    expect((await load()).problems[0]).toMatchObject({ line: 2, code: 'yaml-too-deep' });
  });

  it('refuses a file that grew past the limit however small it was when listed', async () => {
    writeFileSync(join(root, 'big.yaml'), `a: ${'x'.repeat(2000)}`);
    expect(problemsOf(await load({ maxFileBytes: 1000 }))).toEqual(['big.yaml file-too-large']);
  });
});

describe('the loader limits what one read may hold', () => {
  it('stops walking past maxFiles and reports it at the root', async () => {
    for (const name of ['b', 'c', 'd']) writeFileSync(join(root, `${name}.yaml`), httpManifest('geo', name));
    const set = await load({ maxFiles: 2 });
    expect(set.problems.map((problem) => [problem.file, problem.code])).toEqual([[root, 'too-many-files']]);
    expect(set.manifests).toHaveLength(2);
    expect(pruneRefusal(planPolicyOf(desiredStateOf(set, root, 'rev'), false, { prune: true, allowEmpty: true }))).toMatch(/removing no service/);
  });

  it('reads no more files once the bytes of the read pass maxTotalBytes', async () => {
    for (const name of ['b', 'c']) writeFileSync(join(root, `${name}.yaml`), httpManifest('geo', name));
    const size = httpManifest('geo', 'b').length;
    const set = await load({ maxTotalBytes: size + 10 });
    expect(problemsOf(set)).toEqual(['c.yaml read-too-large', 'valid.yaml read-too-large']);
    expect(set.manifests.map((manifest) => manifest.key)).toEqual(['geo/b']);
  });
});
