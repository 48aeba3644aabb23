import type { Phase } from '../core/status/geoservice-status.js';
import type { Service } from '../core/swarm/engine-api.js';

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
  /**
   * When to look again: true, soon (a rollout, a task start, a network to appear); false, only when
   * something changes (a snapshot, a Docker event, a resync), which is all a Stalled object needs.
   */
  readonly inProgress: boolean;
  /** Look again after this long even if nothing changes (a held write's backoff). */
  readonly requeueAfterMs?: number;
  /** Keys this one waits for (the Networks a service joins): the controller queues them. */
  readonly waitingFor?: readonly string[];
  readonly service?: Service;
}

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
  waitingFor?: readonly string[];
}

export function outcome(key: string, phase: Phase, fields: OutcomeFields = {}): ReconcileOutcome {
  const { action = 'none', changedFields = [], driftCorrected = false, gone = false, inProgress = false, service, serviceId, requeueAfterMs, waitingFor } = fields;
  const withId = service ?? (serviceId === undefined ? undefined : ({ ID: serviceId, Version: { Index: 0 }, Spec: {} } satisfies Service));
  return {
    key,
    action,
    phase,
    changedFields,
    driftCorrected,
    gone,
    inProgress,
    ...(withId === undefined ? {} : { service: withId }),
    ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }),
    ...(waitingFor === undefined ? {} : { waitingFor }),
  };
}
