/** The flags of `npm run bench`. */
import { parseArgs } from 'node:util';
import { runFlags } from '../src/cli/run-config.js';
import { parseDuration } from '../src/core/manifest/units.js';

export const phases = ['validate', 'converge', 'reaction', 'resources'] as const;
export type Phase = (typeof phases)[number];

export interface BenchOptions {
  /** Service counts for cold converge, no-op resync, one change and reaction latency. */
  readonly sizes: readonly number[];
  /** Edits per reaction-latency series (manifest edits, then as many out-of-band edits). */
  readonly edits: number;
  /** Length of the resources window, in milliseconds. */
  readonly steadyMs: number;
  /** Services Kargo manages during the resources window. */
  readonly steadyServices: number;
  /** Resync period of the Kargo under the resources window. */
  readonly resync: string;
  /** Manifests `kargo validate` checks. */
  readonly validate: number;
  /** Runs of each converge / resync / one-change kind per tool; the median is reported. */
  readonly repeats: number;
  /** Kargo's --workers (its default unless told). */
  readonly workers: number;
  /** Kargo's --debounce in the reaction-latency runtime (its default is 100ms). */
  readonly debounce: string;
  readonly out: string;
  readonly phases: ReadonlySet<Phase>;
}

/** Kargo's own default --workers. */
const kargoWorkers = runFlags.workers.default;

export const benchUsage = `Usage: npm run bench -- [flags]

  --sizes 100,500     services per converge / resync / one-change / reaction run
  --edits 50          edits per reaction-latency series
  --steady 300s       resources window (Kargo managing --steady-services services)
  --steady-services 1000
  --resync 30s        Kargo's resync period during the resources window
  --validate 1000     manifests for the kargo validate timing
  --repeat 3          runs of each converge / resync / one-change kind (median reported)
  --workers ${kargoWorkers.padEnd(10)}  Kargo's --workers (Kargo's default)
  --debounce 100ms    Kargo's --debounce in the reaction-latency runs (Kargo's default)
  --phases validate,converge,reaction,resources
  --out docs/benchmarks.md
`;

/** Parses argv (without node and script); throws with a one-line message on a bad flag. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      sizes: { type: 'string', default: '100,500' },
      edits: { type: 'string', default: '50' },
      steady: { type: 'string', default: '300s' },
      'steady-services': { type: 'string', default: '1000' },
      resync: { type: 'string', default: '30s' },
      validate: { type: 'string', default: '1000' },
      repeat: { type: 'string', default: '3' },
      workers: { type: 'string', default: kargoWorkers },
      debounce: { type: 'string', default: '100ms' },
      phases: { type: 'string', default: phases.join(',') },
      out: { type: 'string', default: 'docs/benchmarks.md' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) throw new UsageRequested();
  const wantedPhases = values.phases.split(',').map((phase) => phase.trim());
  const unknown = wantedPhases.filter((phase) => !(phases as readonly string[]).includes(phase));
  if (unknown.length > 0) throw new Error(`--phases: unknown phase(s) ${unknown.join(', ')}; use ${phases.join(',')}`);
  return {
    sizes: values.sizes.split(',').map((size) => positiveInteger('--sizes', size.trim())),
    edits: positiveInteger('--edits', values.edits),
    steadyMs: durationMs('--steady', values.steady),
    steadyServices: positiveInteger('--steady-services', values['steady-services']),
    resync: checkedDuration('--resync', values.resync),
    validate: positiveInteger('--validate', values.validate),
    repeats: positiveInteger('--repeat', values.repeat),
    workers: positiveInteger('--workers', values.workers),
    debounce: checkedDuration('--debounce', values.debounce),
    out: values.out,
    phases: new Set(wantedPhases as Phase[]),
  };
}

/** `--help` was given. */
export class UsageRequested extends Error {}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a whole number of at least 1, not "${text}"`);
  return value;
}

function durationMs(flag: string, text: string): number {
  const nanoseconds = parseDuration(text);
  if (nanoseconds === undefined) throw new Error(`${flag} must be a duration such as 30s or 5m, not "${text}"`);
  return nanoseconds / 1e6;
}

function checkedDuration(flag: string, text: string): string {
  durationMs(flag, text);
  return text;
}
