import { planPolicyOf } from '../core/desired-state.js';
import { planJob, type JobPlan, type RemovalReason } from '../core/diff/plan-jobs.js';
import { pruneRefusal } from '../core/diff/plan-changes.js';
import { isSpecSlot } from '../core/jobs/run-slot.js';
import { runStateOf, type RunState } from '../core/jobs/run-state.js';
import { parseKey, swarmNameOf } from '../core/object-key.js';
import { isManagedByKargo, ownershipLabels } from '../core/render/ownership.js';
import type { DesiredJob } from '../core/render/render-job-spec.js';
import type { Snapshot } from '../core/snapshot.js';
import { activeRunOf, runResultOf, type JobStatus, type RunResult } from '../core/status/job-status.js';
import type { Phase } from '../core/status/object-status.js';
import type { Service } from '../core/swarm/engine-api.js';
import { dependenciesNotReady } from './dependency-readiness.js';
import { FileObjectsOfKey, type ListedObjects } from './file-objects-of-key.js';
import { networksNotReady } from './network-readiness.js';
import { manifestProblemOf } from './reconcile-geoservice.js';
import type { ReconcileContext } from './reconcile-context.js';
import { outcome, type ReconcileOutcome } from './reconcile-outcome.js';

/** A timer may fire a little early, and a slot counts only once `now` has reached it. */
const wakeMarginMs = 5;
/**
 * The longest a job sleeps before looking again: a yearly slot is beyond a Node.js timer's reach
 * (2^31 ms, ~24.8 days; past it the timer fires at once), and an hourly look costs two requests.
 */
const maxSleepMs = 3_600_000;

/**
 * Reconciles one GeoJob: reads its run services and their tasks (two requests), plans, then
 * removes runs (past their deadline, replaced), starts the run that is due unless a dependency is
 * not Ready, and trims the history. Looks again at the next slot, or soon while a run is under
 * way; a run held for a dependency starts when the controller wakes the job (the dependency
 * turned Ready).
 */
export async function reconcileGeoJob(
  key: string,
  snapshot: Snapshot,
  context: ReconcileContext,
  /** The job's configs and secrets as a full sync listed them (its services are read here anyway). */
  listedFiles?: ListedObjects['files'],
): Promise<ReconcileOutcome> {
  const now = context.clock();
  const job = snapshot.jobs.get(key);
  const runs = await liveRunsOf(key, context);
  const files = new FileObjectsOfKey(key, context, job?.files ?? [], runs.map(({ service }) => service), listedFiles);
  if (job === undefined) return removedJob(key, runs, snapshot, context, files);
  const record = context.jobs.recordOf(key, now);
  const waitingForDependency = dependenciesNotReady(job.dependsOn, context.statusOf, 'GeoJob');
  const plan = planJob({
    job,
    runs: runs.map(({ state }) => state),
    now,
    memory: record.memory,
    dependenciesReady: waitingForDependency === undefined,
    ...(record.requested === undefined ? {} : { requested: record.requested }),
  });
  if (plan.start !== undefined) {
    const notReady = await networksNotReady(plan.start.spec, snapshot, context.networks);
    if (notReady !== undefined) return outcome(key, notReady.phase, { inProgress: notReady.phase.kind === 'progressing', waitingFor: notReady.waitingFor });
  }
  const stopped = await removeRuns(plan.removals, context, now);
  let startedId: string | undefined;
  if (plan.start !== undefined) {
    const prepared = await files.prepare(plan.start.spec);
    if ('blocked' in prepared) return outcome(key, { kind: 'stalled', ...prepared.blocked }, { requeueAfterMs: 30_000 });
    startedId = await context.swarm.createService(prepared.spec);
  }
  const removed = new Set(plan.removals.map((removal) => removal.run.serviceId));
  const kept = runs.filter(({ state }) => !removed.has(state.serviceId));
  // Listed only when a run came or went (or a full sync listed them): a quiet reconcile costs no request.
  const keep = [...kept.map(({ service }) => service.Spec), plan.start?.spec];
  await (startedId !== undefined || removed.size > 0 ? files.removeUnused(keep) : files.removeUnusedIfListed(keep));
  const results = [...kept.flatMap(({ state }) => runResultOf(state) ?? []), ...stopped];
  const finished = context.jobs.update(key, now, {
    memory: plan.memory,
    requestServed: plan.requestServed,
    results,
    ...(plan.skipped === undefined ? {} : { skipped: { slot: plan.skipped.at.toISOString(), reason: plan.skipped.reason } }),
  });
  const status = jobStatusOf(key, job, plan, kept.map(({ state }) => state), context, now);
  // A request held for a dependency is not polled: the dependency turning Ready wakes the job.
  const underWay = status.active.length > 0 || (context.jobs.recordOf(key, now).requested !== undefined && plan.held === undefined);
  const untilNext = plan.next === undefined ? undefined : Math.min(maxSleepMs, Math.max(0, plan.next.getTime() - now.getTime()) + wakeMarginMs);
  return {
    ...outcome(key, (plan.held === undefined ? undefined : waitingForDependency) ?? phaseOf(job, plan, kept.map(({ state }) => state), status), {
      action: startedId !== undefined ? 'created' : removed.size > 0 ? 'deleted' : 'none',
      inProgress: underWay,
      ...(untilNext === undefined ? {} : underWay ? { requeueWithinMs: untilNext } : { requeueAfterMs: untilNext }),
      ...(startedId === undefined ? {} : { serviceId: startedId }),
    }),
    job: status,
    finishedRuns: finished,
  };
}

interface LiveRun {
  readonly service: Service;
  readonly state: RunState;
}

/**
 * The job's run services and what their tasks did: the services by name prefix (Swarm answers a
 * name filter from its index) and the job's label, then the tasks of all of them at once.
 */
async function liveRunsOf(key: string, context: ReconcileContext): Promise<LiveRun[]> {
  const owner = parseKey(key);
  const label = `${owner.namespace}/${owner.name}`;
  const prefix = `${swarmNameOf(owner)}-`;
  const services = (await context.swarm.listServices({ name: [prefix], label: [`${ownershipLabels.geoJob}=${label}`] }, true)).filter(
    (service) => isManagedByKargo(service.Spec.Labels) && service.Spec.Labels?.[ownershipLabels.geoJob] === label && (service.Spec.Name ?? '').startsWith(prefix),
  );
  if (services.length === 0) return [];
  const tasks = await context.swarm.listTasks({ service: services.map((service) => service.ID) });
  return services.flatMap((service) => {
    const state = runStateOf(service, tasks, service.Spec.Mode?.ReplicatedJob?.TotalCompletions ?? 1);
    return state === undefined ? [] : [{ service, state }];
  });
}

/** Removes runs; those stopped at their deadline come back as failed results (the engine keeps nothing of them). */
async function removeRuns(removals: JobPlan['removals'], context: ReconcileContext, now: Date): Promise<RunResult[]> {
  const stopped: RunResult[] = [];
  for (const { run, reason } of removals) {
    await context.swarm.removeService(run.serviceId);
    const why = stopReasons[reason];
    const result = why === undefined ? undefined : runResultOf(run, { finishedAt: now, error: why });
    if (result !== undefined) stopped.push(result);
  }
  return stopped;
}

const stopReasons: Partial<Record<RemovalReason, string>> = {
  deadline: 'stopped by Kargo: the run passed its activeDeadline',
  replaced: 'stopped by Kargo: replaced by a newer run (concurrencyPolicy Replace)',
};

/**
 * A GeoJob no manifest wants: its runs are pruned under the same rules as services (never while
 * its manifest or its file fails to load, pruning is off, or refused wholesale).
 */
async function removedJob(key: string, runs: readonly LiveRun[], snapshot: Snapshot, context: ReconcileContext, files: FileObjectsOfKey): Promise<ReconcileOutcome> {
  const invalid = manifestProblemOf(key, runs.map(({ service }) => service), snapshot, 'the job\'s runs are kept as they are and none starts');
  if (invalid !== undefined) return outcome(key, invalid);
  if (runs.length === 0) {
    // Left behind by runs removed without them (Kargo stopped in between): found by a full sync.
    if (context.settings.prune) await files.removeUnusedIfListed([]);
    context.jobs.forget(key);
    return outcome(key, { kind: 'ready' }, { gone: true });
  }
  const policy = planPolicyOf(snapshot, snapshot.sourceEmpty, context.settings);
  const refused = !context.settings.prune ? 'no manifest wants it, and pruning is off' : pruneRefusal(policy);
  if (refused !== undefined) return outcome(key, { kind: 'stalled', reason: 'Held', message: refused });
  for (const { service } of runs) await context.swarm.removeService(service.ID);
  await files.removeUnused([]);
  context.jobs.forget(key);
  return outcome(key, { kind: 'ready' }, { action: 'deleted', gone: true });
}

function jobStatusOf(key: string, job: DesiredJob, plan: JobPlan, runs: readonly RunState[], context: ReconcileContext, now: Date): JobStatus {
  const record = context.jobs.recordOf(key, now);
  const active = runs.filter((run) => run.phase === 'active').map(activeRunOf);
  if (plan.start !== undefined) active.push({ name: plan.start.spec.Name, slot: plan.start.spec.Labels?.[ownershipLabels.runSlot] ?? '', startedAt: now.toISOString() });
  const scheduled = runs.flatMap((run) => (run.slot.kind === 'scheduled' ? [run.slot.at.getTime()] : []));
  if (record.memory.handled !== undefined) scheduled.push(record.memory.handled.getTime());
  return {
    ...(scheduled.length === 0 ? {} : { lastScheduleTime: new Date(Math.max(...scheduled)).toISOString() }),
    ...(record.lastSucceeded === undefined ? {} : { lastSuccessful: record.lastSucceeded }),
    ...(record.lastFailed === undefined ? {} : { lastFailed: record.lastFailed }),
    active,
    ...(plan.next === undefined || job.suspended ? {} : { nextScheduleTime: plan.next.toISOString() }),
    suspended: job.suspended,
    ...(record.lastSkipped === undefined ? {} : { lastSkipped: record.lastSkipped }),
  };
}

/**
 * Ready while the last run succeeded or none failed yet; Stalled on a failed last run, with its
 * reason, until a run succeeds (or, without schedule, the spec changes). A job without schedule is
 * Reconciling until its spec's run has finished.
 */
function phaseOf(job: DesiredJob, plan: JobPlan, runs: readonly RunState[], status: JobStatus): Phase {
  const failed = (result: RunResult): Phase => ({ kind: 'stalled', reason: 'RunFailed', message: `run ${result.name} failed${result.exitCode === undefined ? '' : ` with exit code ${String(result.exitCode)}`}${result.error === undefined ? '' : `: ${result.error}`}` });
  if (job.schedule === undefined && !job.suspended) {
    const current = runs.find((run) => isSpecSlot(run.slot, job.specHash));
    if (plan.waiting !== undefined) return { kind: 'progressing', reason: 'Waiting', message: plan.waiting };
    if (plan.start !== undefined || current?.phase === 'active') return { kind: 'progressing', reason: 'Running', message: `running ${plan.start?.spec.Name ?? current?.name ?? 'the job'}` };
    const result = current === undefined ? undefined : runResultOf(current);
    // Gone from the engine (stopped at its deadline): the last result this process saw says.
    if (result !== undefined) return result.result === 'failed' ? failed(result) : { kind: 'ready' };
  }
  const last = [status.lastSuccessful, status.lastFailed].filter((result): result is RunResult => result !== undefined).sort((a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt))[0];
  return last?.result === 'failed' ? failed(last) : { kind: 'ready' };
}
