import { formatRunSlot } from '../jobs/run-slot.js';
import type { RunState } from '../jobs/run-state.js';

/** One finished run, as status, logs and metrics report it. */
export interface RunResult {
  /** The run's Swarm service. */
  readonly name: string;
  /** Its slot, as the io.kargo.run-slot label holds it. */
  readonly slot: string;
  readonly result: 'succeeded' | 'failed';
  /** ISO times: the service's creation, and its deciding task's end (or the removal at the deadline). */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly exitCode?: number;
  /** The engine's error for the failed task, or why Kargo stopped the run. */
  readonly error?: string;
  /** The node id of the deciding task. */
  readonly node?: string;
}

/** A run still under way. */
export interface ActiveRun {
  readonly name: string;
  readonly slot: string;
  readonly startedAt: string;
}

/** The job part of a GeoJob's status. */
export interface JobStatus {
  /** The newest scheduled slot that ran or was handled (skipped, missed). */
  readonly lastScheduleTime?: string;
  readonly lastSuccessful?: RunResult;
  readonly lastFailed?: RunResult;
  readonly active: readonly ActiveRun[];
  readonly nextScheduleTime?: string;
  readonly suspended: boolean;
  /** Why the due slot did not run, when one was last skipped or missed. */
  readonly lastSkipped?: { readonly slot: string; readonly reason: string };
}

/** The result of a finished run (undefined for an active one); `error` overrides the tasks' (a run Kargo stopped). */
export function runResultOf(run: RunState, override?: { readonly finishedAt: Date; readonly error: string }): RunResult | undefined {
  if (run.phase === 'active' && override === undefined) return undefined;
  const finishedAt = override?.finishedAt ?? run.finishedAt ?? run.createdAt;
  const error = override?.error ?? run.error;
  return {
    name: run.name,
    slot: formatRunSlot(run.slot),
    result: override === undefined && run.phase === 'succeeded' ? 'succeeded' : 'failed',
    startedAt: run.createdAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: Math.max(0, (finishedAt.getTime() - run.createdAt.getTime()) / 1000),
    ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }),
    ...(error === undefined ? {} : { error }),
    ...(run.nodeId === undefined ? {} : { node: run.nodeId }),
  };
}

export function activeRunOf(run: RunState): ActiveRun {
  return { name: run.name, slot: formatRunSlot(run.slot), startedAt: run.createdAt.toISOString() };
}

/** The newer of two results (by end), either may be absent. */
export function newerResult(a: RunResult | undefined, b: RunResult | undefined): RunResult | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b.finishedAt) > Date.parse(a.finishedAt) ? b : a;
}
