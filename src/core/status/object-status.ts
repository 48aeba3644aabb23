import type { ObjectKind } from '../object-key.js';
import type { UpdateState } from '../swarm/engine-api.js';
import type { JobStatus } from './job-status.js';

/**
 * kstatus condition types, and Available: a GeoService with `spec.ogc` answers its OGC requests
 * (set by Kargo's probe, independently of the reconciles that set the other three).
 */
export type ConditionType = 'Ready' | 'Reconciling' | 'Stalled' | 'Available';
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  readonly type: ConditionType;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  /** ISO time the status last changed. */
  readonly lastTransitionTime: string;
}

/** Where one owned object (a GeoService, a Network) stands, as served by the status API and exported as metrics. */
export interface ObjectStatus {
  readonly key: string;
  readonly kind: ObjectKind;
  readonly namespace: string;
  readonly name: string;
  /** The Swarm object's name: the service's, or the network's. */
  readonly serviceName: string;
  readonly conditions: readonly Condition[];
  readonly observedRevision?: string;
  readonly specHash?: string;
  readonly serviceId?: string;
  readonly runningTasks?: number;
  readonly desiredTasks?: number;
  readonly updateStatus?: { readonly state: UpdateState; readonly message?: string };
  readonly lastError?: string;
  readonly lastAppliedTime?: string;
  readonly sourceFile?: string;
  /** A GeoJob's runs (serviceName is then the prefix of its runs' names). */
  readonly job?: JobStatus;
  /** A GeoService's last OGC probe by Kargo (`spec.ogc`). */
  readonly ogc?: OgcProbeStatus;
}

/** What Kargo's last OGC probe of a GeoService asked and found. */
export interface OgcProbeStatus {
  /** The endpoint probed; absent when Kargo cannot reach the service and the in-task check speaks for it. */
  readonly url?: string;
  readonly lastProbeTime: string;
  readonly latencyMs?: number;
  readonly steps?: readonly { readonly request: string; readonly ok: boolean; readonly latencyMs: number; readonly message: string }[];
}

/** The phase a reconcile leaves an object in; conditions follow from it. */
export type Phase =
  | { readonly kind: 'ready' }
  | { readonly kind: 'progressing'; readonly reason: string; readonly message: string }
  | { readonly kind: 'stalled'; readonly reason: string; readonly message: string }
  | { readonly kind: 'failing'; readonly reason: string; readonly message: string };

/**
 * Conditions for a phase, kstatus style: exactly one of Ready, Reconciling, Stalled is True
 * (a transient failure is Reconciling: Kargo is still trying). A condition keeps its
 * lastTransitionTime while its status does not change.
 */
export function conditionsFor(phase: Phase, previous: readonly Condition[], now: string): Condition[] {
  const wanted: Record<Exclude<ConditionType, 'Available'>, Omit<Condition, 'type' | 'lastTransitionTime'>> =
    phase.kind === 'ready'
      ? {
          Ready: { status: 'True', reason: 'Converged', message: 'the service matches its manifest and its tasks are running' },
          Reconciling: { status: 'False', reason: 'Converged', message: '' },
          Stalled: { status: 'False', reason: 'Converged', message: '' },
        }
      : phase.kind === 'stalled'
        ? {
            Ready: { status: 'False', reason: phase.reason, message: phase.message },
            Reconciling: { status: 'False', reason: phase.reason, message: '' },
            Stalled: { status: 'True', reason: phase.reason, message: phase.message },
          }
        : {
            Ready: { status: 'False', reason: phase.reason, message: phase.message },
            Reconciling: { status: 'True', reason: phase.reason, message: phase.message },
            Stalled: { status: 'False', reason: phase.reason, message: '' },
          };
  const kept = previous.filter((condition) => condition.type === 'Available');
  return [...(['Ready', 'Reconciling', 'Stalled'] as const).map((type) => {
    const before = previous.find((condition) => condition.type === type);
    const next = wanted[type];
    const lastTransitionTime = before !== undefined && before.status === next.status ? before.lastTransitionTime : now;
    return { type, ...next, lastTransitionTime };
  }), ...kept];
}

/** Ready, and Available too where Kargo checks OGC answers: what a dependent waits for. */
export function isReadyAndAvailable(status: Pick<ObjectStatus, 'conditions'>): boolean {
  const available = conditionOf(status, 'Available');
  return isReady(status) && (available === undefined || available.status === 'True');
}

/** Whether the Ready condition is True. */
export function isReady(status: Pick<ObjectStatus, 'conditions'>): boolean {
  return status.conditions.some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

/** The condition of `type`, if set. */
export function conditionOf(status: Pick<ObjectStatus, 'conditions'>, type: ConditionType): Condition | undefined {
  return status.conditions.find((condition) => condition.type === type);
}
