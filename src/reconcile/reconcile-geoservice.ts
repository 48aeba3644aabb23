import { ownerKey, planChanges, type PlanStep } from '../core/diff/plan-changes.js';
import { planPolicyOf } from '../core/desired-state.js';
import type { Snapshot } from '../core/snapshot.js';
import { isManagedByKargo, ownershipLabels } from '../core/render/ownership.js';
import { parseKey, swarmNameOf } from '../core/object-key.js';
import type { Phase } from '../core/status/object-status.js';
import type { Service, UpdateState } from '../core/swarm/engine-api.js';
import { lastTaskFailure } from './rollout-failure.js';
import { FileObjectsOfKey, type ListedObjects } from './file-objects-of-key.js';
import { dependenciesNotReady } from './dependency-readiness.js';
import { networksNotReady } from './network-readiness.js';
import type { ReconcileContext } from './reconcile-context.js';
import { ServiceWriter } from './service-writer.js';
import type { RolloutMemory } from './rollout-memory.js';
import type { SwarmPort } from './swarm-port.js';
import { outcome, serviceOf, type ReconcileOutcome } from './reconcile-outcome.js';

export type { ReconcileSettings } from './reconcile-context.js';

/** A service held for a config or secret it cannot have is looked at again after this, and on any change. */
const blockedRetryMs = 30_000;

const rollbackStates: readonly (UpdateState | undefined)[] = ['rollback_started', 'rollback_paused', 'rollback_completed'];

/**
 * Reconciles one GeoService: re-reads its live service (never trusting an event), plans, and
 * creates, updates, removes or leaves it alone. No diff, no write.
 */
export async function reconcileGeoService(
  key: string,
  snapshot: Snapshot,
  context: ReconcileContext,
  /** The key's live services, configs and secrets as a full sync just listed them; read from the engine when absent. */
  listed?: ListedObjects,
): Promise<ReconcileOutcome> {
  const { swarm, networks, settings } = context;
  const desired = snapshot.desired.get(key);
  const found = listed?.services ?? (await liveServicesOf(swarmNameOf(parseKey(key)), swarm));
  const services = servicesInReachOf(key, found, desired !== undefined);
  const policy = planPolicyOf(snapshot, snapshot.sourceEmpty, settings);
  const live = { services, networkNames: await networks.resolve(services) };
  const plan = planChanges(desired === undefined ? [] : [desired], live, policy);
  if (desired === undefined) {
    const invalid = manifestProblemOf(key, services, snapshot);
    if (invalid !== undefined) return outcome(key, invalid, serviceOf(services[0]));
  }
  let result: ReconcileOutcome | undefined;
  const files = new FileObjectsOfKey(key, context, desired?.files ?? [], services, listed?.files);
  for (const step of plan.steps) result = await applyStep(key, step, snapshot, context, files);
  // Left behind by a service removed without them (Kargo stopped in between): found by a full sync.
  if (result === undefined && desired === undefined && settings.prune) await files.removeUnusedIfListed([]);
  return result ?? outcome(key, { kind: 'ready' }, { gone: true });
}

async function applyStep(key: string, step: PlanStep, snapshot: Snapshot, context: ReconcileContext, files: FileObjectsOfKey): Promise<ReconcileOutcome> {
  const { swarm, rollouts, writes } = context;
  const desiredHash = snapshot.desired.get(key)?.spec.Labels?.[ownershipLabels.specHash];
  if (step.kind === 'create' || step.kind === 'update') {
    const live = step.kind === 'update' ? serviceOf(step.service) : {};
    const waitingForDependency = dependenciesNotReady(snapshot.desired.get(key)?.dependsOn, context.statusOf);
    if (waitingForDependency !== undefined) return outcome(key, waitingForDependency, live);
    const notReady = await networksNotReady(step.spec, snapshot, context.networks);
    if (notReady !== undefined) {
      const waiting = notReady.phase.kind === 'progressing';
      return outcome(key, notReady.phase, { inProgress: waiting, waitingFor: notReady.waitingFor, ...live });
    }
  }
  if (step.kind !== 'update') writes.recordSettled(key);
  switch (step.kind) {
    case 'create':
      return createService(key, step, context, files);
    case 'update':
      return updateService(key, step, context, files, desiredHash);
    case 'delete':
      rollouts.forget(key);
      await swarm.removeService(step.service.ID);
      await files.removeUnused([]);
      return outcome(key, { kind: 'ready' }, { action: 'deleted', gone: true });
    case 'conflict':
      return outcome(key, { kind: 'stalled', reason: 'Conflict', message: step.reason });
    case 'hold':
      return outcome(key, { kind: 'stalled', reason: 'Held', message: step.reason }, serviceOf(step.service));
    case 'unchanged':
      await files.removeUnusedIfListed([step.service.Spec, step.service.PreviousSpec]);
      return observe(key, step.service, desiredHash, rollouts, swarm);
  }
}

async function createService(key: string, step: Extract<PlanStep, { kind: 'create' }>, context: ReconcileContext, files: FileObjectsOfKey): Promise<ReconcileOutcome> {
  const prepared = await files.prepare(step.spec);
  if ('blocked' in prepared) return outcome(key, { kind: 'stalled', ...prepared.blocked }, { requeueAfterMs: blockedRetryMs });
  const id = await new ServiceWriter(context.swarm, context.networks).create(prepared.spec);
  // Zero replicas: no task to wait for, so nothing to follow.
  if (step.spec.Mode?.Replicated?.Replicas === 0) return outcome(key, { kind: 'ready' }, { action: 'created', serviceId: id });
  return outcome(key, { kind: 'progressing', reason: 'Created', message: `created service ${step.entry.name}` }, { action: 'created', inProgress: true, serviceId: id });
}

async function updateService(
  key: string,
  step: Extract<PlanStep, { kind: 'update' }>,
  context: ReconcileContext,
  files: FileObjectsOfKey,
  desiredHash: string | undefined,
): Promise<ReconcileOutcome> {
  const { swarm, rollouts, writes } = context;
  const stall = stalledRollout(key, step.service, desiredHash, rollouts);
  if (stall?.kind === 'stalled' && stall.reason === 'RolledBack') {
    await rememberRollback(step.service, desiredHash, swarm);
    return stallOutcome(key, stall, asRolledBack(step.service), swarm);
  }
  if (stall !== undefined) return stallOutcome(key, stall, step.service, swarm);
  const signature = `${desiredHash ?? ''}|${JSON.stringify(step.entry.changes)}`;
  const heldFor = writes.heldFor(key, signature);
  if (heldFor !== undefined) return writeNotKept(key, step, heldFor);
  const prepared = await files.prepare(step.spec);
  if ('blocked' in prepared) return outcome(key, { kind: 'stalled', ...prepared.blocked }, { requeueAfterMs: blockedRetryMs, service: step.service });
  writes.recordSent(key, signature);
  if (desiredHash !== undefined) rollouts.recordApplied(key, desiredHash);
  const writer = new ServiceWriter(swarm, context.networks);
  const changedFields = step.entry.changes.map((change) => change.path);
  const driftCorrected = step.service.Spec.Labels?.[ownershipLabels.specHash] === desiredHash;
  if (step.entry.recreateReasons.length > 0) {
    await swarm.removeService(step.service.ID);
    const id = await writer.create(prepared.spec);
    await files.removeUnused([step.spec]);
    return outcome(key, { kind: 'progressing', reason: 'Recreated', message: `recreated: ${step.entry.recreateReasons.join(', ')}` }, { action: 'recreated', changedFields, inProgress: true, serviceId: id });
  }
  await writer.update(step.service.ID, prepared.spec);
  // What the service ran until now becomes its previous spec, which a Swarm rollback returns to.
  await files.removeUnused([step.spec, step.service.Spec]);
  return outcome(key, { kind: 'progressing', reason: 'Updating', message: `rolling update of ${changedFields.join(', ')}` }, { action: 'configured', changedFields, driftCorrected, inProgress: true, ...serviceOf(step.service) });
}

/**
 * The same update went out and the engine still shows the same difference: sending it again
 * would loop (a field the engine rewrites, another writer undoing Kargo's). Kargo holds it, names
 * the fields that do not stick, and tries once more after a backoff (or when the manifest changes).
 */
function writeNotKept(key: string, step: Extract<PlanStep, { kind: 'update' }>, heldForMs: number): ReconcileOutcome {
  const fields = step.entry.changes.map((change) => change.path).join(', ');
  const retry = `${String(Math.ceil(heldForMs / 1000))}s`;
  return outcome(
    key,
    { kind: 'stalled', reason: 'WriteNotApplied', message: `the engine does not keep ${fields}: the same update left the same difference; Kargo tries again in ${retry}, or when the manifest changes` },
    { service: step.service, requeueAfterMs: heldForMs },
  );
}

/** A service that needs no write: is its rollout done and are its tasks running? */
async function observe(key: string, service: Service, desiredHash: string | undefined, rollouts: RolloutMemory, swarm: SwarmPort): Promise<ReconcileOutcome> {
  const stall = stalledRollout(key, service, desiredHash, rollouts);
  if (stall !== undefined) return stallOutcome(key, stall, service, swarm);
  const update = service.UpdateStatus;
  if (update?.State === 'updating') {
    return outcome(key, { kind: 'progressing', reason: 'Updating', message: update.Message ?? 'rolling update in progress' }, { inProgress: true, ...serviceOf(service) });
  }
  const running = service.ServiceStatus?.RunningTasks ?? 0;
  const desired = service.ServiceStatus?.DesiredTasks ?? 0;
  if (running < desired) {
    return outcome(key, { kind: 'progressing', reason: 'TasksStarting', message: `${String(running)} of ${String(desired)} tasks running` }, { inProgress: true, ...serviceOf(service) });
  }
  return outcome(key, { kind: 'ready' }, serviceOf(service));
}

/**
 * A stalled rollout is final until the manifest changes (its message gets the error of the task
 * that failed, Swarm's own reason); a rollback under way is followed.
 */
async function stallOutcome(key: string, phase: Phase, service: Service, swarm: SwarmPort): Promise<ReconcileOutcome> {
  if (phase.kind !== 'stalled') return outcome(key, phase, { inProgress: true, service });
  const failure = await lastTaskFailure(service.ID, swarm);
  const message = failure === undefined ? phase.message : `${phase.message}; the failed task said: ${failure}`;
  return outcome(key, { ...phase, message }, { service });
}

/**
 * A rollout Swarm gave up on: it rolled back the spec Kargo sent, or paused it. While the
 * manifest still asks for that same spec, Kargo must not apply it again.
 */
function stalledRollout(key: string, service: Service, desiredHash: string | undefined, rollouts: RolloutMemory): Phase | undefined {
  const state = service.UpdateStatus?.State;
  const message = service.UpdateStatus?.Message ?? '';
  const liveHash = service.Spec.Labels?.[ownershipLabels.specHash];
  rollouts.recall(key, service.Spec.Labels?.[ownershipLabels.rolledBack]);
  if (rollbackStates.includes(state) && liveHash !== desiredHash && rollouts.appliedHash(key) === desiredHash && desiredHash !== undefined) {
    rollouts.recordFailed(key, desiredHash);
  }
  if (rollouts.hasFailed(key, desiredHash) && liveHash !== desiredHash) {
    if (state === 'rollback_started') {
      if (message !== '') rollouts.recordRollbackReason(key, message);
      return { kind: 'progressing', reason: 'RollingBack', message: `Swarm is rolling back the update: ${message}` };
    }
    const reason = rollouts.rollbackReason(key) ?? message;
    return { kind: 'stalled', reason: 'RolledBack', message: `Swarm rolled back the update${reason === '' ? '' : ` (${reason})`}; fix the manifest to try again` };
  }
  if (state === 'paused' && service.Spec.Labels?.[ownershipLabels.specHash] === desiredHash) {
    return { kind: 'stalled', reason: 'UpdatePaused', message: `Swarm paused the update: ${message}` };
  }
  return undefined;
}

/**
 * Writes which spec Swarm rolled back on the service (io.kargo.rolled-back), once, so that a
 * restarted Kargo does not send it again: Swarm keeps no trace of it (its rollback clears
 * PreviousSpec). Only service labels change, so Swarm replaces no task; only after the rollback
 * completed, since an update meanwhile would take the rollout over from Swarm.
 */
async function rememberRollback(service: Service, desiredHash: string | undefined, swarm: SwarmPort): Promise<void> {
  const labels = service.Spec.Labels ?? {};
  if (desiredHash === undefined || service.UpdateStatus?.State !== 'rollback_completed' || labels[ownershipLabels.rolledBack] === desiredHash) return;
  await swarm.modifyService(service.ID, (current) => ({ ...current.Spec, Labels: { ...current.Spec.Labels, [ownershipLabels.rolledBack]: desiredHash } }));
}

/**
 * The service as status shows it once its rollback is remembered: writing the label made Swarm
 * drop UpdateStatus, but the rollback it reported is still what happened to the spec asked for.
 */
function asRolledBack(service: Service): Service {
  return service.UpdateStatus?.State === undefined ? { ...service, UpdateStatus: { State: 'rollback_completed', Message: 'rollback completed' } } : service;
}

/**
 * Why a key with no valid manifest must be left alone: its manifest is in the source but broken
 * (the key was read from it), or the file its service came from no longer parses.
 */
export function manifestProblemOf(key: string, services: readonly Service[], snapshot: Snapshot, held = 'the service is kept as it is'): Phase | undefined {
  const sources = services.map((service) => service.Spec.Labels?.[ownershipLabels.source]);
  const problem =
    snapshot.problems.find((p) => p.key === key) ??
    sources.map((file) => (file === undefined ? undefined : snapshot.problemByFile.get(file))).find((p) => p !== undefined);
  if (problem === undefined) return undefined;
  const where = `${problem.file}:${String(problem.line)}:${String(problem.column)}`;
  return { kind: 'stalled', reason: 'ManifestInvalid', message: `${where}: ${problem.message}; ${held}` };
}

/**
 * Each key's live services from one listing of every service, so that a full sync costs one
 * request: the service holding the key's name (what `liveServicesOf` reads), and also any
 * service labelled with the key under another name, which only a full sync can find (and prune).
 */
export function liveServicesByKey(all: readonly Service[], keys: Iterable<string>): Map<string, Service[]> {
  const byName = new Map(all.map((service) => [service.Spec.Name ?? '', service]));
  const owned = new Map<string, Service[]>();
  for (const service of all) {
    const key = service.Spec.Labels?.[ownershipLabels.geoService];
    if (key !== undefined && isManagedByKargo(service.Spec.Labels)) owned.set(key, [...(owned.get(key) ?? []), service]);
  }
  const result = new Map<string, Service[]>();
  for (const key of keys) {
    const services = owned.get(key) ?? [];
    const holder = byName.get(swarmNameOf(parseKey(key)));
    result.set(key, holder === undefined || services.includes(holder) ? services : [...services, holder]);
  }
  return result;
}

/**
 * The service holding the key's service name, if any: a lookup by name is answered from an
 * index, where a lookup by label makes swarmkit scan every service. Names are derived from
 * keys, so a service Kargo made for this key can be under no other name.
 */
async function liveServicesOf(name: string, swarm: SwarmPort): Promise<Service[]> {
  const named = await swarm.listServices({ name: [name] }, true);
  // The name filter matches prefixes: geo_wms also finds geo_wms-internal.
  return named.filter((service) => service.Spec.Name === name);
}

/**
 * The services a reconcile of `key` may act on. A service of another GeoService that holds the
 * name is kept when the key is wanted (the plan reports the conflict), and left out when it is
 * not, so that pruning this key can never remove it.
 */
function servicesInReachOf(key: string, services: readonly Service[], wanted: boolean): Service[] {
  return services.filter((service) => wanted || !isManagedByKargo(service.Spec.Labels) || ownerKey(service) === key);
}

