import { decideSlot } from '../schedule/cron-schedule.js';
import { isSpecSlot, type RunSlot } from '../jobs/run-slot.js';
import { slotTime, type RunState } from '../jobs/run-state.js';
import { renderRunSpec, type DesiredJob } from '../render/render-job-spec.js';
import type { ServiceSpec } from '../swarm/engine-api.js';

/** Why a run's service is removed. */
export type RemovalReason = 'deadline' | 'replaced' | 'history' | 'pruned';

/** What this process remembers of a job between reconciles (the engine holds the rest). */
export interface JobMemory {
  /** When this process first saw the job: with no run in the engine, slots before it are not "missed". */
  readonly firstSeen: Date;
  /** The last scheduled slot handled: run, skipped (Forbid) or missed (past its starting deadline). */
  readonly handled?: Date;
  /**
   * The spec hash whose run this process started (a job without schedule): a run stopped at its
   * activeDeadline is gone from the engine, and must not start again for the same spec.
   */
  readonly startedSpec?: string;
}

export interface JobPlanInput {
  readonly job: DesiredJob;
  readonly runs: readonly RunState[];
  readonly now: Date;
  readonly memory: JobMemory;
  /** When a run was asked for (kargo job run) and not started yet. */
  readonly requested?: Date;
  /** Whether the GeoServices of its `dependsOn` are all Ready (default true): no run starts until they are. */
  readonly dependenciesReady?: boolean;
}

/** A scheduled slot that does not run, and why. */
export interface SkippedSlot {
  readonly at: Date;
  readonly reason: 'ActiveRun' | 'Missed';
}

/** What to do for one GeoJob now: removals first, then the start, then the history clean-up. */
export interface JobPlan {
  readonly removals: readonly { readonly run: RunState; readonly reason: RemovalReason }[];
  readonly start?: { readonly slot: RunSlot; readonly spec: ServiceSpec & { Name: string } };
  readonly skipped?: SkippedSlot;
  /** The request to run now was served (its run started, or the job is suspended): forget it. */
  readonly requestServed: boolean;
  /** A run that is wanted but waits for the active one (Forbid), e.g. a new spec's run. */
  readonly waiting?: string;
  /**
   * The run that would start but waits for the job's dependencies: its slot is not handled, nor
   * its request served, so that it starts once they are Ready.
   */
  readonly held?: RunSlot;
  /** What the memory becomes. */
  readonly memory: JobMemory;
  /** The first slot after now: when to look again. */
  readonly next?: Date;
}

/**
 * The plan of one GeoJob (pure: the engine's runs, the time and the memory come in): removes runs
 * past their activeDeadline, starts the run that is due (the latest unhandled slot of the
 * schedule, the spec's run of a job without schedule, or a requested run) under the concurrency
 * policy, and trims the history of finished runs. At most one run starts per plan, and none while
 * the job's dependencies are not Ready (removals go on: a deadline holds whatever it waits for).
 */
export function planJob({ job, runs, now, memory, requested, dependenciesReady = true }: JobPlanInput): JobPlan {
  const next = job.schedule === undefined ? undefined : decideSlot(job.schedule, now, now).next;
  const withNext = next === undefined ? {} : { next };
  // A suspended job starts nothing, and a request to run it now is dropped rather than kept for later.
  if (job.suspended) return { removals: [], requestServed: requested !== undefined, memory, ...withNext };
  const removals: { run: RunState; reason: RemovalReason }[] = [];
  const overdue = runs.filter((run) => run.phase === 'active' && job.activeDeadlineMs !== undefined && now.getTime() - run.createdAt.getTime() > job.activeDeadlineMs);
  for (const run of overdue) removals.push({ run, reason: 'deadline' });
  const active = runs.filter((run) => run.phase === 'active' && !overdue.includes(run));
  const wanted = wantedRun(job, runs, now, memory, requested);
  let handled = memory.handled;
  let skipped: SkippedSlot | undefined;
  let start: JobPlan['start'];
  let waiting: string | undefined;
  let held: RunSlot | undefined;
  if (wanted.missed !== undefined) {
    skipped = { at: wanted.missed, reason: 'Missed' };
    handled = wanted.missed;
  }
  const slot = wanted.slot;
  if (slot !== undefined) {
    // An active run that Forbid keeps decides first: the slot is skipped or waits for it anyway.
    const forbidden = active.length > 0 && job.concurrencyPolicy === 'Forbid';
    if (!forbidden && !dependenciesReady) held = slot;
    else if (active.length === 0 || job.concurrencyPolicy === 'Allow') start = { slot, spec: renderRunSpec(job, slot) };
    else if (job.concurrencyPolicy === 'Replace') {
      for (const run of active) removals.push({ run, reason: 'replaced' });
      start = { slot, spec: renderRunSpec(job, slot) };
    } else if (slot.kind === 'scheduled') skipped = { at: slot.at, reason: 'ActiveRun' };
    else waiting = `waiting for run ${active.map((run) => run.name).join(', ')} to finish (concurrencyPolicy Forbid)`;
    if (slot.kind === 'scheduled' && held === undefined) handled = slot.at;
  }
  const startedSpec = start?.slot.kind === 'spec' ? job.specHash : memory.startedSpec;
  const removed = new Set(removals.map((removal) => removal.run));
  for (const run of historyToRemove(job, runs.filter((run) => !removed.has(run)))) removals.push({ run, reason: 'history' });
  return {
    removals,
    ...(start === undefined ? {} : { start }),
    ...(skipped === undefined ? {} : { skipped }),
    requestServed: requested !== undefined && start?.slot.kind === 'manual',
    ...(waiting === undefined ? {} : { waiting }),
    ...(held === undefined ? {} : { held }),
    memory: { ...memory, ...(handled === undefined ? {} : { handled }), ...(startedSpec === undefined ? {} : { startedSpec }) },
    ...withNext,
  };
}

/**
 * The run that should start now, if any: the due slot of the schedule first, else the spec's run
 * of a job without schedule, else a requested run; and a slot missed past its starting deadline.
 */
function wantedRun(job: DesiredJob, runs: readonly RunState[], now: Date, memory: JobMemory, requested: Date | undefined): { slot?: RunSlot; missed?: Date } {
  if (job.schedule !== undefined) {
    const decision = decideSlot(job.schedule, now, lastHandledSlot(runs, memory), startingDeadlineOf(job));
    if (decision.due !== undefined) return { slot: { kind: 'scheduled', at: decision.due }, ...(decision.missed === undefined ? {} : { missed: decision.missed }) };
    if (requested !== undefined) return { slot: { kind: 'manual', at: requested }, ...(decision.missed === undefined ? {} : { missed: decision.missed }) };
    return decision.missed === undefined ? {} : { missed: decision.missed };
  }
  if (memory.startedSpec !== job.specHash && !runs.some((run) => isSpecSlot(run.slot, job.specHash))) return { slot: { kind: 'spec', specHash: job.specHash } };
  return requested === undefined ? {} : { slot: { kind: 'manual', at: requested } };
}

/**
 * The last scheduled slot handled: the newest one the engine has a run of (it survives restarts),
 * or a later one this process skipped; with neither, when the job was first seen.
 */
export function lastHandledSlot(runs: readonly RunState[], memory: JobMemory): Date {
  const times = runs.flatMap((run) => (run.slot.kind === 'scheduled' ? [run.slot.at.getTime()] : []));
  if (memory.handled !== undefined) times.push(memory.handled.getTime());
  return times.length === 0 ? memory.firstSeen : new Date(Math.max(...times));
}

/**
 * How late a slot may start. A run removed at its activeDeadline takes its slot's record out of
 * the engine; bounding lateness by the deadline too keeps a restarted Kargo from running that slot
 * again.
 */
function startingDeadlineOf(job: DesiredJob): number | undefined {
  const limits = [job.startingDeadlineMs, job.activeDeadlineMs].filter((limit): limit is number => limit !== undefined);
  return limits.length === 0 ? undefined : Math.min(...limits);
}

/**
 * Finished runs past the history limits, newest kept first. The newest run of all is always kept
 * (its slot tells a restarted Kargo where the schedule stands), and so is the current spec's run
 * of a job without schedule (without it, the spec would run again).
 */
function historyToRemove(job: DesiredJob, runs: readonly RunState[]): RunState[] {
  const newestFirst = [...runs].sort((a, b) => slotTime(b).getTime() - slotTime(a).getTime() || b.createdAt.getTime() - a.createdAt.getTime());
  const newest = newestFirst[0];
  const keep = (phase: 'succeeded' | 'failed', limit: number): RunState[] => newestFirst.filter((run) => run.phase === phase).slice(limit);
  return [...keep('succeeded', job.history.succeeded), ...keep('failed', job.history.failed)].filter(
    (run) => run !== newest && !(job.schedule === undefined && isSpecSlot(run.slot, job.specHash)),
  );
}
