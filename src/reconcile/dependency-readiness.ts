import { conditionOf, isReadyAndAvailable, type ObjectStatus, type Phase } from '../core/status/object-status.js';

/** What a reconcile can know of another object's status: the controller's one record of statuses. */
export type StatusLookup = (key: string) => ObjectStatus | undefined;

/** What waits: a GeoService's create or update, or the start of a GeoJob's run. */
const waitsFor = { GeoService: 'it is created or updated', GeoJob: 'a run starts' } as const;

/**
 * Why a GeoService may not be created or updated yet, or a GeoJob's run not start: a GeoService
 * of its `dependsOn` is not Ready, or not Available (its OGC answers, where `spec.ogc` has Kargo
 * check them). Not polled: the controller reconciles the dependents of a GeoService when it turns
 * Ready, and the OGC prober when it turns Available.
 */
export function dependenciesNotReady(dependsOn: readonly string[] | undefined, statusOf: StatusLookup, kind: keyof typeof waitsFor = 'GeoService'): Phase | undefined {
  const waiting = (dependsOn ?? []).flatMap((key) => {
    const status = statusOf(key);
    if (status !== undefined && isReadyAndAvailable(status)) return [];
    const blocking = status?.conditions.find((condition) => condition.type !== 'Ready' && condition.type !== 'Available' && condition.status === 'True');
    const unavailable = status === undefined ? undefined : conditionOf(status, 'Available');
    const why = blocking?.reason ?? (unavailable?.status === 'False' ? `not Available: ${unavailable.message}` : undefined);
    return [why === undefined ? key : `${key} (${why})`];
  });
  if (waiting.length === 0) return undefined;
  return { kind: 'progressing', reason: 'WaitingForDependency', message: `waiting for ${waiting.join(', ')} to be Ready (and Available, where checked) before ${waitsFor[kind]}` };
}
