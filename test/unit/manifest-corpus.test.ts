/**
 * The corpus of broken manifests in test/fixtures/invalid: one broken thing per fixture (a file,
 * or a directory whose files are only wrong together), with the problems each must yield recorded
 * in test/fixtures/invalid/expected.json. There, `{dir}` stands for the corpus directory and `file`
 * (relative to it) is given only when it is not the fixture itself; `message` is a substring.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import { ExitCode } from '../../src/cli/kargo.js';
import { ManifestProblemCode, type ManifestProblem } from '../../src/core/manifest/manifest-set.js';
import { defaultParseLimits } from '../../src/core/manifest/parse-manifests.js';
import { runKargo } from '../support/cli.js';

interface ExpectedProblem {
  readonly file?: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

const corpusDir = fileURLToPath(new URL('../fixtures/invalid', import.meta.url));
const expectedFile = 'expected.json';
const expectedTable = JSON.parse(readFileSync(join(corpusDir, expectedFile), 'utf8')) as Record<string, ExpectedProblem[]>;
const corpus = Object.entries(expectedTable);
const load = createManifestLoader();

/** Where a problem is and what kind it is: everything but the wording, compared exactly. */
function placeOf(problem: Omit<ExpectedProblem, 'message'> & { readonly file: string }): string {
  return `${problem.file}:${problem.line}:${problem.column} ${problem.code} (${problem.field})`;
}

function expectedFor(fixture: string, problems: readonly ExpectedProblem[]): { place: string; file: string; message: string }[] {
  return problems.map((problem) => {
    const file = join(corpusDir, problem.file ?? fixture);
    return { place: placeOf({ ...problem, file }), file, message: problem.message.replaceAll('{dir}', corpusDir) };
  });
}

describe('the invalid-manifest corpus', () => {
  it('has at least 35 fixtures', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(35);
  });

  it('records the expected problems of exactly the fixtures on disk', () => {
    const onDisk = readdirSync(corpusDir).filter((name) => name !== expectedFile).sort();
    expect(Object.keys(expectedTable).sort()).toEqual(onDisk);
  });

  it('expects at least one problem, with a known code, from every fixture', () => {
    const codes = new Set<string>(Object.values(ManifestProblemCode));
    for (const [fixture, problems] of corpus) {
      expect(problems.length, fixture).toBeGreaterThan(0);
      for (const problem of problems) expect(codes, `${fixture}: ${problem.code}`).toContain(problem.code);
    }
  });

  it.each(corpus)('%s yields exactly its expected problems, at file:line:col, with field and code', async (fixture, problems) => {
    const set = await load([join(corpusDir, fixture)]);
    expect(set.problems.map(placeOf)).toEqual(expectedFor(fixture, problems).map((problem) => problem.place));
  });

  it.each(corpus)('%s explains each problem with its expected message', async (fixture, problems) => {
    const set = await load([join(corpusDir, fixture)]);
    const expected = expectedFor(fixture, problems);
    expect(set.problems).toHaveLength(expected.length);
    set.problems.forEach((problem: ManifestProblem, index) => {
      expect(problem.message).toContain(expected[index]?.message);
    });
  });

  it.each(corpus)('%s yields no manifest', async (fixture) => {
    const set = await load([join(corpusDir, fixture)]);
    expect(set.manifests).toEqual([]);
  });

  it('refuses the billion-laughs document in well under a second instead of expanding it', async () => {
    const started = performance.now();
    const set = await load([join(corpusDir, 'yaml-alias-bomb.yaml')]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(set.problems.map((problem) => problem.code)).toEqual([ManifestProblemCode.YamlAliases]);
  });

  describe('a file over the size limit', () => {
    let directory: string | undefined;
    afterEach(async () => {
      if (directory !== undefined) await rm(directory, { recursive: true, force: true });
      directory = undefined;
    });

    it('is refused by its size, at 1:1, without yielding a manifest', async () => {
      directory = await mkdtemp(join(tmpdir(), 'kargo-corpus-'));
      const path = join(directory, 'huge.yaml');
      const manifest = 'apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata:\n  name: huge\nspec:\n  image: nginx:1.27\n';
      const padding = `# ${'x'.repeat(78)}\n`.repeat(Math.ceil(defaultParseLimits.maxFileBytes / 80) + 1);
      await writeFile(path, manifest + padding);
      const set = await load([path]);
      expect(set.manifests).toEqual([]);
      expect(set.problems).toEqual([
        { file: path, line: 1, column: 1, field: '', code: ManifestProblemCode.FileTooLarge, message: expect.stringContaining(`the limit is ${defaultParseLimits.maxFileBytes}`) as string },
      ]);
    });
  });
});

describe('kargo validate on the corpus', () => {
  it.each(corpus)('exits 1 on %s and prints each problem as file:line:col: error: message (field)', async (fixture, problems) => {
    const result = await runKargo(['validate', join(corpusDir, fixture)]);
    expect(result.code).toBe(ExitCode.Failed);
    const lines = result.stdout.split('\n');
    for (const problem of problems) {
      const file = join(corpusDir, problem.file ?? fixture);
      const prefix = `${file}:${problem.line}:${problem.column}: error: `;
      const suffix = problem.field === '' ? '' : ` (${problem.field})`;
      const line = lines.find((candidate) => candidate.startsWith(prefix) && candidate.endsWith(suffix));
      expect(line, `${prefix}…${suffix} in:\n${result.stdout}`).toContain(problem.message.replaceAll('{dir}', corpusDir));
    }
  });

  it('prints the JSON report with valid, files, manifests, problems and ignored', async () => {
    const file = join(corpusDir, 'duplicate-name-in-file.yaml');
    const result = await runKargo(['validate', '--output', 'json', file]);
    expect(result.code).toBe(ExitCode.Failed);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      files: 1,
      manifests: [],
      problems: [
        { file, line: 5, column: 9, code: 'duplicate-name', field: 'metadata.name', key: 'fixtures/twin', message: `GeoService fixtures/twin is also defined at ${file}:10:1` },
        { file, line: 13, column: 9, code: 'duplicate-name', field: 'metadata.name', key: 'fixtures/twin', message: `GeoService fixtures/twin is also defined at ${file}:2:1` },
      ],
      ignored: [],
    });
  });

  it('exits 2 with a usage error on --output yaml, reading nothing', async () => {
    const result = await runKargo(['validate', '--output', 'yaml', join(corpusDir, 'missing-spec.yaml')]);
    expect(result).toEqual({ code: ExitCode.Usage, stdout: '', stderr: 'kargo validate: --output must be text or json, not "yaml"\n' });
  });
});
