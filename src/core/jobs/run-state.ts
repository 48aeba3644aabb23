import { ownershipLabels } from '../render/ownership.js';
import type { Service, Task } from '../swarm/engine-api.js';
import { parseRunSlot, type RunSlot } from './run-slot.js';

/** Where a run stands, as its service's tasks say. */
export type RunPhase = 'active' | 'succeeded' | 'failed';

/** One run of a GeoJob: its service and what its tasks did. */
export interface RunState {
  readonly serviceId: string;
  readonly name: string;
  readonly slot: RunSlot;
  readonly specHash: string;
  /** When the run's service was created: the run's start, for its deadline and duration. */
  readonly createdAt: Date;
  readonly phase: RunPhase;
  /** When the last of its tasks finished (a finished run). */
  readonly finishedAt?: Date;
  /** The exit code of the task that decided the run: the failed one, or the last to complete. */
  readonly exitCode?: number;
  /** The engine's error of a failed task ("task: non-zero exit (3)"). */
  readonly error?: string;
  /** The node its deciding task ran on (an id). */
  readonly nodeId?: string;
}

const failedStates: readonly (string | undefined)[] = ['failed', 'rejected', 'orphaned'];

/**
 * What a run's tasks add up to. Swarm never restarts a run's tasks (restart condition none), so a
 * failed or rejected task fails the run, and `completions` tasks that exited 0 complete it; a run
 * whose service shows neither is active. Parsed times: RFC 3339 strings do not compare as text.
 */
export function runStateOf(service: Service, tasks: readonly Task[], completions: number): RunState | undefined {
  const slot = parseRunSlot(service.Spec.Labels?.[ownershipLabels.runSlot]);
  if (slot === undefined) return undefined;
  const at = (task: Task): number => Date.parse(task.Status?.Timestamp ?? '') || 0;
  const mine = tasks.filter((task) => task.ServiceID === service.ID).sort((a, b) => at(a) - at(b));
  const failed = mine.find((task) => failedStates.includes(task.Status?.State));
  const complete = mine.filter((task) => task.Status?.State === 'complete');
  const deciding = failed ?? (complete.length >= completions ? complete[complete.length - 1] : undefined);
  const phase: RunPhase = failed !== undefined ? 'failed' : deciding !== undefined ? 'succeeded' : 'active';
  const exitCode = deciding?.Status?.ContainerStatus?.ExitCode;
  const error = failed?.Status?.Err ?? (failed === undefined ? undefined : failed.Status?.Message);
  return {
    serviceId: service.ID,
    name: service.Spec.Name ?? service.ID,
    slot,
    specHash: service.Spec.Labels?.[ownershipLabels.specHash] ?? '',
    createdAt: new Date(service.CreatedAt ?? 0),
    phase,
    ...(deciding === undefined || phase === 'active' ? {} : { finishedAt: new Date(at(deciding)) }),
    ...(exitCode === undefined ? {} : { exitCode }),
    ...(error === undefined ? {} : { error }),
    ...(deciding?.NodeID === undefined ? {} : { nodeId: deciding.NodeID }),
  };
}

/** The time a slot stands for in ordering: a scheduled or manual slot's time, a spec run's creation. */
export function slotTime(run: Pick<RunState, 'slot' | 'createdAt'>): Date {
  return run.slot.kind === 'spec' ? run.createdAt : run.slot.at;
}
