import type { Snapshot } from '../snapshot.js';
import { conditionOf, isReady, type ObjectStatus } from '../status/object-status.js';

/** One thing a whole stack waits for: a GeoService Ready (and Available where Kargo probes it), or a GeoJob's first successful run. */
export interface StackItem {
  readonly key: string;
  readonly kind: 'GeoService' | 'GeoJob';
  /** The GeoService has `spec.ogc`: it must answer its OGC checks too. */
  readonly checksOgc?: boolean;
}

/** Where one item stands. */
export interface ItemProgress {
  readonly key: string;
  readonly done: boolean;
  /** What it waits for, when not done: the status's own words. */
  readonly waitingFor?: string;
}

/** What a snapshot's stack waits for: its GeoServices, then its GeoJobs. */
export function stackItemsOf(snapshot: Pick<Snapshot, 'desired' | 'jobs'>): StackItem[] {
  return [
    ...[...snapshot.desired.values()].map((service) => ({ key: service.key, kind: 'GeoService' as const, checksOgc: service.ogc !== undefined })),
    ...[...snapshot.jobs.keys()].map((key) => ({ key, kind: 'GeoJob' as const })),
  ];
}

/** Whether each item of the stack is done, from the statuses Kargo keeps. */
export function stackProgress(items: readonly StackItem[], statusOf: (key: string) => ObjectStatus | undefined): ItemProgress[] {
  return items.map((item) => {
    const status = statusOf(item.key);
    if (status === undefined) return { key: item.key, done: false, waitingFor: 'not reconciled yet' };
    return item.kind === 'GeoJob' ? jobProgress(item.key, status) : serviceProgress(item, status);
  });
}

function serviceProgress(item: StackItem, status: ObjectStatus): ItemProgress {
  const ready = conditionOf(status, 'Ready');
  if (!isReady(status)) return { key: item.key, done: false, waitingFor: `Ready: ${ready?.message || ready?.reason || 'unknown'}` };
  const available = conditionOf(status, 'Available');
  if (item.checksOgc === true && available?.status !== 'True') {
    return { key: item.key, done: false, waitingFor: `Available: ${available?.message || 'not probed yet'}` };
  }
  return { key: item.key, done: true };
}

function jobProgress(key: string, status: ObjectStatus): ItemProgress {
  const job = status.job;
  if (job?.lastSuccessful !== undefined) return { key, done: true };
  if (job !== undefined && job.active.length > 0) return { key, done: false, waitingFor: `run ${job.active[0]?.name ?? ''} under way` };
  if (job?.lastFailed !== undefined) return { key, done: false, waitingFor: `the last run failed: ${job.lastFailed.error ?? `exit ${String(job.lastFailed.exitCode ?? '?')}`}` };
  const ready = conditionOf(status, 'Ready');
  return { key, done: false, waitingFor: `a first run (${ready?.message || ready?.reason || 'not started'})` };
}
