/** Measurement 6: `kargo validate` on generated manifests, in-process and as a child process. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../src/cli/kargo.js';
import { benchServices, writeManifests } from './fixtures.js';
import { median, runChild } from './measure.js';
import { loadOnlyFlag, repoRoot } from './paths.js';
import { describeProfile, summariseProfileDir, type ProfileSummary } from './profile.js';
import { mark, ms, type Miss, type Row } from './report.js';

export const validateTargetMs = 1000;
const repeats = 3;

export interface ValidateResult {
  readonly count: number;
  /** The first in-process run (Kargo's code not yet optimised by V8), then the warm ones. */
  readonly firstInProcessMs: number;
  readonly warmInProcessMs: number[];
  readonly childMs: number[];
  /** A bare `node -e 0`, `kargo version` (the CLI's entry module), and `kargo validate` stopped right after loading. */
  readonly nodeStartMs: number[];
  readonly cliImportMs: number[];
  readonly validateImportMs: number[];
  /** `kargo run` stopped right after loading its modules (dockerode among them): what every `kargo run` loads. */
  readonly runImportMs: number[];
  /** CPU profile of one more `kargo validate` process. */
  readonly profile?: ProfileSummary;
}

/** Wall time of `node dist/cli/main.js …args`, which must exit with `expectedCode`. */
async function kargoProcessMs(args: readonly string[], expectedCode: number): Promise<number> {
  const result = await runChild(process.execPath, ['dist/cli/main.js', ...args], process.env, repoRoot);
  if (result.code !== expectedCode) throw new Error(`node dist/cli/main.js ${args.join(' ')} exited ${String(result.code)}, not ${String(expectedCode)}: ${result.stderr.slice(0, 2000)}`);
  return result.ms;
}

async function validateInProcess(dir: string): Promise<number> {
  let output = '';
  const sink = { write: (text: string) => (output += text) };
  const started = performance.now();
  const code = await main(['validate', dir], { stdout: sink, stderr: sink });
  const elapsed = performance.now() - started;
  if (code !== 0) throw new Error(`kargo validate exited ${String(code)}: ${output.slice(0, 2000)}`);
  return elapsed;
}

export async function measureValidate(count: number, root: string): Promise<ValidateResult> {
  const dir = join(root, 'manifests-validate');
  mkdirSync(dir, { recursive: true });
  writeManifests(dir, benchServices(count), 'bench-validate');
  const firstInProcessMs = await validateInProcess(dir);
  const warmInProcessMs: number[] = [];
  for (let i = 0; i < repeats; i++) warmInProcessMs.push(await validateInProcess(dir));
  const childMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    childMs.push(await kargoProcessMs(['validate', dir], 0));
  }
  const nodeStartMs: number[] = [];
  const cliImportMs: number[] = [];
  const validateImportMs: number[] = [];
  const runImportMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    nodeStartMs.push((await runChild(process.execPath, ['-e', '0'], process.env, repoRoot)).ms);
    cliImportMs.push(await kargoProcessMs(['version'], 0));
    validateImportMs.push(await kargoProcessMs(['validate', loadOnlyFlag], 2));
    runImportMs.push(await kargoProcessMs(['run', loadOnlyFlag], 2));
  }
  const profileDir = join(root, 'validate-profile');
  await runChild(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, 'dist/cli/main.js', 'validate', dir], process.env, repoRoot);
  const profile = summariseProfileDir(profileDir);
  return { count, firstInProcessMs, warmInProcessMs, childMs, nodeStartMs, cliImportMs, validateImportMs, runImportMs, ...(profile === undefined ? {} : { profile }) };
}

export function validateRows(result: ValidateResult): { rows: Row[]; misses: Miss[] } {
  const child = median(result.childMs);
  const met = child < validateTargetMs && result.firstInProcessMs < validateTargetMs;
  const misses: Miss[] = met ? [] : [{ what: `kargo validate on ${String(result.count)} manifests`, why: `${ms(child)} as a process, ${ms(result.firstInProcessMs)} in-process (target < ${ms(validateTargetMs)}). ${validateNote(result)}` }];
  return {
    misses,
    rows: [
      {
        what: '6. Validation: kargo validate',
        n: result.count,
        kargo: `${ms(child)} as a process (median of ${String(result.childMs.length)}, Node.js start included); in-process ${ms(result.firstInProcessMs)} first call (code not yet optimised by V8), ${ms(median(result.warmInProcessMs))} warm (median of ${String(result.warmInProcessMs.length)})`,
        stack: '—',
        verdict: `target < ${ms(validateTargetMs)} ${mark(met)}`,
        command: '`node dist/cli/main.js validate $BENCH/manifests-validate` and in-process `main(["validate", dir])`',
      },
    ],
  };
}

/** Where a `kargo validate` process spends its time. */
export function validateNote(result: ValidateResult): string {
  const node = median(result.nodeStartMs);
  const cli = median(result.cliImportMs);
  const validateOnly = median(result.validateImportMs);
  return `A \`kargo validate\` process took ${ms(median(result.childMs))}: starting Node.js alone takes ${ms(node)}, \`kargo version\` (the CLI's entry module) ${ms(cli)} and \`kargo validate\` up to loading its modules (loader, yaml, the precompiled schema check) ${ms(validateOnly)} (each a fresh process of the bundle in dist/cli/, Node.js start included); the work itself (read every file, parse with source positions, schema and semantic checks) takes ${ms(median(result.warmInProcessMs))} warm in-process, and the first in-process call, before V8 has optimised Kargo's code, ${ms(result.firstInProcessMs)}.${result.profile === undefined ? '' : ` A CPU profile of one more such process (${ms(result.profile.totalMs)} sampled, V8 sampler): ${describeProfile(result.profile)}.`}`;
}
