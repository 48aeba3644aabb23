import type { Phase } from '../core/status/object-status.js';
import type { Service } from '../core/swarm/engine-api.js';
import type { JobStatus, RunResult } from '../core/status/job-status.js';

/** What one reconcile did and saw; the controller turns it into status, metrics, logs and requeues. */
export interface ReconcileOutcome {
  readonly key: string;
  /** What was written: nothing, or one of Flux's actions. */
  readonly action: 'created' | 'configured' | 'recreated' | 'deleted' | 'none';
  readonly phase: Phase;
  /** Changed field paths of a write. */
  readonly changedFields: readonly string[];
  /** The write reverted an out-of-band edit of a service that already had this spec. */
  readonly driftCorrected: boolean;
  /** The key is gone: no manifest, no service. Its status can be dropped. */
  readonly gone: boolean;
  /** When the controller looks at the key again if nothing else changes. */
  readonly requeue: Requeue;
  /** Keys this one waits for (the Networks a service joins): the controller queues them. */
  readonly waitingFor?: readonly string[];
  readonly service?: Service;
  /** A GeoJob's runs: last results, the active run, the next slot. */
  readonly job?: JobStatus;
  /** A GeoJob's runs seen finished for the first time by this reconcile (metrics count them). */
  readonly finishedRuns?: readonly RunResult[];
}

/**
 * `soon`: something is under way (a rollout, a task start, a network to appear, a job's run), polled
 * at growing intervals (but within `withinMs`, a job's next slot), and `run --once` waits for it; `after`: a held write's backoff, not waited for;
 * `on-change`: only a snapshot, a Docker event or a resync brings the key back, which is all a
 * settled or Stalled object needs.
 */
export type Requeue = { readonly kind: 'soon'; readonly withinMs?: number } | { readonly kind: 'after'; readonly ms: number } | { readonly kind: 'on-change' };

export function serviceOf(service: Service | undefined): { service?: Service } {
  return service === undefined ? {} : { service };
}

interface OutcomeFields {
  action?: ReconcileOutcome['action'];
  changedFields?: readonly string[];
  driftCorrected?: boolean;
  gone?: boolean;
  inProgress?: boolean;
  service?: Service;
  serviceId?: string;
  requeueAfterMs?: number;
  /** With inProgress: poll no later than this (a job's next slot). */
  requeueWithinMs?: number;
  waitingFor?: readonly string[];
}

export function outcome(key: string, phase: Phase, fields: OutcomeFields = {}): ReconcileOutcome {
  const { action = 'none', changedFields = [], driftCorrected = false, gone = false, inProgress = false, service, serviceId, requeueAfterMs, requeueWithinMs, waitingFor } = fields;
  const withId = service ?? (serviceId === undefined ? undefined : ({ ID: serviceId, Version: { Index: 0 }, Spec: {} } satisfies Service));
  return {
    key,
    action,
    phase,
    changedFields,
    driftCorrected,
    gone,
    requeue: inProgress ? { kind: 'soon', ...(requeueWithinMs === undefined ? {} : { withinMs: requeueWithinMs }) } : requeueAfterMs === undefined ? { kind: 'on-change' } : { kind: 'after', ms: requeueAfterMs },
    ...(withId === undefined ? {} : { service: withId }),
    ...(waitingFor === undefined ? {} : { waitingFor }),
  };
}
