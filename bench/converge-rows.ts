/** Turns the converge / resync / one-change series of both tools into report rows. */
import { medianRun, namesAt, type Runs, type ToolRun, type ToolSeries } from './converge.js';
import { describeCounts } from './request-counter.js';
import { mark, ms, times, type Miss, type Row } from './report.js';
import { kargoOnceArgs, stackDeployArgs } from './tools.js';

/** Cold converge must be at least this much faster than docker stack deploy at N = 500. */
export const coldSpeedupTarget = 2;
export const coldTargetSize = 500;

export interface ConvergeResult {
  readonly n: number;
  readonly kargo: ToolSeries;
  readonly stack: ToolSeries;
  /** Kargo's cold converges as fresh `node dist/cli/main.js run --once` processes. */
  readonly kargoAsProcess?: Runs;
}

function commands(n: number, workers: number): string {
  const names = namesAt(n);
  const kargo = ['kargo', ...kargoOnceArgs(`$BENCH/${names.manifests}`, names.namespace, workers)].join(' ');
  const stack = ['docker', ...stackDeployArgs(`$BENCH/${names.compose}`, names.stack)].join(' ');
  return `\`${kargo}\` (in-process main(); also as \`node dist/cli/main.js …\`, a fresh process each run) vs \`${stack}\``;
}

/** "stack ÷ Kargo = 0.50× (Kargo 2.00× slower)", on median wall times. */
function speed(kargo: Runs, stack: Runs): { ratio: number; text: string } {
  const ratio = medianRun(stack).ms / medianRun(kargo).ms;
  const text = ratio >= 1 ? `Kargo ${times(ratio)} faster` : `Kargo ${times(1 / ratio)} slower`;
  return { ratio, text: `stack ÷ Kargo = ${times(ratio)} (${text})` };
}

/** "1.23 s (median of 3: 1.10 s, 1.23 s, 1.50 s)". */
function wall(runs: Runs): string {
  const median = medianRun(runs);
  if (runs.length === 1) return ms(median.ms);
  return `${ms(median.ms)} (median of ${String(runs.length)}: ${[...runs].map((run) => ms(run.ms)).join(', ')})`;
}

function totalWrites(run: ToolRun): number {
  const writes = run.writes;
  return writes === undefined ? Number.NaN : writes.create + writes.update + writes.remove;
}

function writesText(run: ToolRun): string {
  const writes = run.writes;
  if (writes === undefined) return '';
  const total = totalWrites(run);
  return `${String(total)} write${total === 1 ? '' : 's'} (${String(writes.create)} create, ${String(writes.update)} update, ${String(writes.remove)} remove)`;
}

/** "; then 1.2 s following the services until Ready" when --once went on well after its last write. */
function afterWrites(run: ToolRun): string {
  const rest = run.ms - (run.lastWriteMs ?? run.ms);
  return rest > 100 ? `; then ${ms(rest)} until --once saw every service Ready` : '';
}

const each = (runs: Runs, value: (run: ToolRun) => number): string => runs.map((run) => String(value(run))).join(', ');

/** Rows 1–3 at one size, and the targets they missed. */
export function convergeRows(result: ConvergeResult, workers: number): { rows: Row[]; misses: Miss[] } {
  const { n, kargo, stack } = result;
  const command = commands(n, workers);
  const misses: Miss[] = [];
  const rows: Row[] = [];

  const cold = speed(kargo.cold, stack.cold);
  const kargoCold = medianRun(kargo.cold);
  const hasTarget = n === coldTargetSize;
  const coldMet = cold.ratio >= coldSpeedupTarget;
  if (hasTarget && !coldMet) misses.push({ what: `Cold converge at N=${String(n)}`, why: `${cold.text} on medians; target ≥ ${times(coldSpeedupTarget)} faster. See "Why" below.` });
  const asProcess = result.kargoAsProcess === undefined || result.kargoAsProcess.length === 0 ? undefined : result.kargoAsProcess;
  rows.push({
    what: '1. Cold converge (wall time)',
    n,
    kargo:
      `${wall(kargo.cold)}: ${writesText(kargoCold)}, sent ${ms(kargoCold.firstWriteMs ?? Number.NaN)}–${ms(kargoCold.lastWriteMs ?? Number.NaN)} after start${afterWrites(kargoCold)}` +
      (asProcess === undefined ? '' : `; as a fresh process (Node.js start, module loading and JIT warm-up included): ${wall(asProcess)}`),
    stack: `${wall(stack.cold)}: ${String(medianRun(stack.cold).moved)} services created`,
    verdict:
      `${cold.text}${hasTarget ? `; target ≥ ${times(coldSpeedupTarget)} faster ${mark(coldMet)}` : ''}` +
      (asProcess === undefined ? '' : `; as a fresh process: ${speed(asProcess, stack.cold).text}`),
    command,
  });

  const noopMet = kargo.noop.every((run) => totalWrites(run) === 0 && run.moved === 0);
  if (!noopMet) misses.push({ what: `No-op resync at N=${String(n)}`, why: `Kargo's writes per run: ${each(kargo.noop, totalWrites)}; versions moved: ${each(kargo.noop, (run) => run.moved)}; target 0.` });
  const noop = speed(kargo.noop, stack.noop);
  rows.push({
    what: '2. No-op resync (wall time, writes)',
    n,
    kargo: `${wall(kargo.noop)}: writes per run ${each(kargo.noop, totalWrites)}; service versions moved ${each(kargo.noop, (run) => run.moved)}`,
    stack: `${wall(stack.noop)}: service versions moved ${each(stack.noop, (run) => run.moved)} of ${String(n)} (an update per service)`,
    verdict: `${noop.text}; writes ${String(totalWrites(medianRun(kargo.noop)))} vs ${String(medianRun(stack.noop).moved)}; target 0 writes ${mark(noopMet)}`,
    command: 'the same commands again, nothing changed',
  });

  const changeMet = kargo.change.every((run) => run.moved === 1 && run.writes?.update === 1 && totalWrites(run) === 1);
  if (!changeMet) misses.push({ what: `One change among N=${String(n)}`, why: `Kargo moved ${each(kargo.change, (run) => run.moved)} service version(s) per run; target 1.` });
  const kargoChange = medianRun(kargo.change);
  const stackChange = medianRun(stack.change);
  const eventAt = (run: ToolRun): string => ms(run.changedEventMs ?? Number.NaN);
  rows.push({
    what: '3. One change among N (versions moved; time to the update)',
    n,
    kargo: `versions moved per run ${each(kargo.change, (run) => run.moved)} (${writesText(kargoChange)}); median run: update sent at ${ms(kargoChange.firstWriteMs ?? Number.NaN)}, engine's update event at ${eventAt(kargoChange)}, run done at ${wall(kargo.change)}`,
    stack: `versions moved per run ${each(stack.change, (run) => run.moved)}; median run: engine's update event for the changed service at ${eventAt(stackChange)}, deploy done at ${wall(stack.change)}`,
    verdict: `target 1 moved: Kargo ${mark(changeMet)}, stack ${String(stackChange.moved)}`,
    command: "one manifest's / compose service's env RESPONSE edited (a different service each run), same commands again",
  });
  return { rows, misses };
}

/** Where each median run's CPU went, and which requests Kargo sent: the "why" behind the wall times. */
export function cpuTable(results: readonly ConvergeResult[]): string[][] {
  const lines: string[][] = [];
  for (const { n, kargo, stack } of results) {
    for (const [label, kargoRuns, stackRuns] of [
      ['cold converge', kargo.cold, stack.cold],
      ['no-op resync', kargo.noop, stack.noop],
      ['one change', kargo.change, stack.change],
    ] as const) {
      const k = medianRun(kargoRuns);
      const s = medianRun(stackRuns);
      lines.push([
        label,
        String(n),
        ms(k.ms),
        ms(k.cpu.toolMs),
        ms(k.cpu.engineMs),
        `${describeCounts(k.requests ?? {})}; first ${ms(k.firstRequestMs ?? Number.NaN)}, last ${ms(k.lastRequestMs ?? Number.NaN)} after start`,
        ms(s.ms),
        ms(s.cpu.toolMs),
        ms(s.cpu.engineMs),
      ]);
    }
  }
  return lines;
}
