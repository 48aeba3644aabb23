import { optionalField as optional } from '../core/optional-field.js';
import { parseKey, swarmNameOf } from '../core/object-key.js';
import { ownershipLabels } from '../core/render/ownership.js';
import type { Snapshot } from '../core/snapshot.js';
import { conditionOf, conditionsFor, type Condition, type ObjectStatus, type OgcProbeStatus, type Phase } from '../core/status/object-status.js';
import { availableCondition, type Availability } from '../core/ogc/ogc-availability.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-outcome.js';

/** What readers of the statuses see: metrics at each scrape, the status API, run --once, the demo. */
export interface StatusReader {
  get(key: string): ObjectStatus | undefined;
  values(): IterableIterator<ObjectStatus>;
  readonly size: number;
}

/** Who hears of every change (metrics count rollouts and drop a pruned object's series). */
export interface StatusObserver {
  statusChanged?(status: ObjectStatus, previous: ObjectStatus | undefined): void;
  statusRemoved?(key: string): void;
}

/**
 * The status of every object Kargo manages, by key: the one source of truth. Only the controller
 * writes it, from what each reconcile returned; everything else reads it through StatusReader.
 */
export class StatusStore implements StatusReader {
  private readonly statuses = new Map<string, ObjectStatus>();

  constructor(
    private readonly observer: StatusObserver,
    private readonly clock: () => Date,
    /** Kargo probes OGC answers (not under run --once): only then is a GeoService with spec.ogc Available or not. */
    private readonly ogcProbes = true,
  ) {}

  get(key: string): ObjectStatus | undefined {
    return this.statuses.get(key);
  }

  values(): IterableIterator<ObjectStatus> {
    return this.statuses.values();
  }

  get size(): number {
    return this.statuses.size;
  }

  /** What a reconcile found and did; a key that is gone (no manifest, no object) is dropped. */
  recordOutcome(outcome: ReconcileOutcome, snapshot: Snapshot): void {
    const { key } = outcome;
    const previous = this.statuses.get(key);
    if (outcome.gone) {
      if (previous !== undefined) {
        this.statuses.delete(key);
        this.observer.statusRemoved?.(key);
      }
      return;
    }
    const service = outcome.service;
    const labels = (snapshot.desired.get(key)?.spec.Labels ?? snapshot.networks.get(key)?.spec.Labels ?? snapshot.jobs.get(key)?.template.Labels) ?? {};
    const now = this.clock().toISOString();
    const update = service?.UpdateStatus?.State === undefined ? undefined : { state: service.UpdateStatus.State, ...optional('message', service.UpdateStatus.Message) };
    this.set(
      {
        ...identity(key),
        conditions: withAvailability(conditionsFor(outcome.phase, previous?.conditions ?? [], now), this.ogcProbes && snapshot.desired.get(key)?.ogc !== undefined, now),
        observedRevision: snapshot.revision,
        ...optional('specHash', labels[ownershipLabels.specHash]),
        ...optional('serviceId', service?.ID),
        ...optional('runningTasks', service?.ServiceStatus?.RunningTasks),
        ...optional('desiredTasks', service?.ServiceStatus?.DesiredTasks),
        ...optional('updateStatus', update),
        ...optional('lastAppliedTime', outcome.action === 'none' ? previous?.lastAppliedTime : now),
        ...optional('sourceFile', labels[ownershipLabels.source]),
        ...optional('job', outcome.job ?? previous?.job),
        ...optional('ogc', snapshot.desired.get(key)?.ogc === undefined ? undefined : previous?.ogc),
      },
      previous,
    );
  }

  /** A reconcile that failed: Reconciling with the error, the rest as it was. */
  recordFailure(key: string, message: string): void {
    const previous = this.statuses.get(key);
    const phase: Phase = { kind: 'failing', reason: 'ReconcileError', message };
    this.set({ ...(previous ?? identity(key)), conditions: conditionsFor(phase, previous?.conditions ?? [], this.clock().toISOString()), lastError: message }, previous);
  }

  /**
   * Kargo's OGC probe of a GeoService (or the in-task check speaking for it): the Available
   * condition, the rest as the last reconcile left it. A key without status yet is not recorded:
   * its first reconcile comes first.
   */
  recordAvailability(key: string, availability: Availability): ObjectStatus | undefined {
    const previous = this.statuses.get(key);
    if (previous === undefined) return undefined;
    const now = this.clock().toISOString();
    const available = availableCondition(availability, conditionOf(previous, 'Available'), now);
    const ogc: OgcProbeStatus =
      availability.kind === 'in-task'
        ? { lastProbeTime: now }
        : {
            url: availability.url,
            lastProbeTime: now,
            latencyMs: Math.round(availability.result.latencyMs),
            steps: availability.result.steps.map((step) => ({ request: step.request.kind, ok: step.verdict.ok, latencyMs: Math.round(step.latencyMs), message: step.verdict.message })),
          };
    const next = { ...previous, conditions: [...previous.conditions.filter((condition) => condition.type !== 'Available'), available], ogc };
    this.set(next, previous);
    return next;
  }

  /** Keys a new snapshot did not change were observed at its revision too. */
  markRevisionObserved(revision: string, changed: ReadonlySet<string>): void {
    for (const [key, status] of this.statuses) {
      if (!changed.has(key) && status.observedRevision !== revision) this.statuses.set(key, { ...status, observedRevision: revision });
    }
  }

  private set(next: ObjectStatus, previous: ObjectStatus | undefined): void {
    this.statuses.set(next.key, next);
    this.observer.statusChanged?.(next, previous);
  }
}

function identity(key: string): Pick<ObjectStatus, 'key' | 'kind' | 'namespace' | 'name' | 'serviceName' | 'conditions'> {
  const objectKey = parseKey(key);
  return { key, kind: objectKey.kind, namespace: objectKey.namespace, name: objectKey.name, serviceName: swarmNameOf(objectKey), conditions: [] };
}

/**
 * A GeoService Kargo checks (`spec.ogc`) is Available Unknown until its first probe, so that
 * nothing waiting on it goes before it was seen to answer; one no longer checked has no Available.
 */
function withAvailability(conditions: Condition[], checked: boolean, now: string): Condition[] {
  const has = conditions.some((condition) => condition.type === 'Available');
  if (!checked) return has ? conditions.filter((condition) => condition.type !== 'Available') : conditions;
  if (has) return conditions;
  return [...conditions, { type: 'Available', status: 'Unknown', reason: 'NotProbedYet', message: 'Kargo has not checked its OGC answers yet', lastTransitionTime: now }];
}
