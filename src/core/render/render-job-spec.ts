import { dependencyKeys } from '../manifest/dependencies.js';
import type { LoadedJob } from '../manifest/manifest-set.js';
import { parseDuration } from '../manifest/units.js';
import type { ServiceSpec } from '../swarm/engine-api.js';
import { isScheduleError, parseSchedule, type CronSchedule } from '../schedule/cron-schedule.js';
import { formatRunSlot, runServiceName, type RunSlot } from '../jobs/run-slot.js';
import { sortKeys } from './canonical-json.js';
import { renderFileMounts, type DesiredFileObject } from './file-objects.js';
import { ownershipLabels } from './ownership.js';
import { renderServiceSpec, specHash, type RenderContext } from './render-service-spec.js';

export type ConcurrencyPolicy = 'Forbid' | 'Replace' | 'Allow';

/** A GeoJob as the job plan sees it: the spec every run gets, and when and how runs happen. */
export interface DesiredJob {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** The run services' spec, but for their name and slot label. */
  readonly template: ServiceSpec;
  /** io.kargo.spec-hash of the template: a job without schedule runs once per value. */
  readonly specHash: string;
  readonly files: readonly DesiredFileObject[];
  readonly schedule?: CronSchedule;
  readonly concurrencyPolicy: ConcurrencyPolicy;
  readonly activeDeadlineMs?: number;
  readonly startingDeadlineMs?: number;
  readonly history: { readonly succeeded: number; readonly failed: number };
  readonly suspended: boolean;
  /** Keys of the GeoServices that must be Ready before a run starts (`spec.dependsOn`). */
  readonly dependsOn?: readonly string[];
}

/** Finished runs kept by default, as a Kubernetes CronJob keeps them. */
export const defaultHistory = { succeeded: 3, failed: 1 } as const;

/**
 * Renders a GeoJob: its workload as a GeoService would render (the same container, networks,
 * files), as a Swarm replicated job (API 1.41+) whose tasks Swarm never restarts, so that a
 * failing command fails the run, owned by the GeoJob rather than by a GeoService.
 */
export function renderJob(job: LoadedJob, context: Omit<RenderContext, 'fileMounts'>): DesiredJob {
  const { namespace, name } = job.resource.metadata;
  const spec = job.resource.spec;
  const fileMounts = renderFileMounts(job.workload, job.contents, 'GeoJob');
  const service = renderServiceSpec(job.workload, { ...context, fileMounts });
  const { [ownershipLabels.geoService]: _owner, [ownershipLabels.specHash]: _hash, ...labels } = service.Labels ?? {};
  const unhashed: ServiceSpec = {
    Labels: sortKeys({ ...labels, [ownershipLabels.geoJob]: `${namespace}/${name}` }),
    TaskTemplate: { ...service.TaskTemplate, RestartPolicy: { Condition: 'none' } },
    Mode: { ReplicatedJob: { MaxConcurrent: spec.parallelism ?? 1, TotalCompletions: spec.completions ?? 1 } },
  };
  const hash = specHash(unhashed);
  const schedule = spec.schedule === undefined ? undefined : parseSchedule(spec.schedule, spec.timeZone);
  // The loader refuses a GeoJob whose schedule does not parse, so this is a bug, not bad input.
  if (schedule !== undefined && isScheduleError(schedule)) throw new Error(`${job.key}: ${schedule.message}`);
  // parseDuration gives nanoseconds, as Swarm wants them; the plan counts in milliseconds.
  const duration = (text: string | undefined): number | undefined => {
    const nanoseconds = text === undefined ? undefined : parseDuration(text);
    return nanoseconds === undefined ? undefined : nanoseconds / 1e6;
  };
  const activeDeadlineMs = duration(spec.activeDeadline);
  const startingDeadlineMs = duration(spec.startingDeadline);
  return {
    key: job.key,
    namespace,
    name,
    template: { ...unhashed, Labels: sortKeys({ ...unhashed.Labels, [ownershipLabels.specHash]: hash }) },
    specHash: hash,
    files: fileMounts.objects,
    ...(schedule === undefined ? {} : { schedule }),
    concurrencyPolicy: spec.concurrencyPolicy ?? 'Forbid',
    ...(activeDeadlineMs === undefined ? {} : { activeDeadlineMs }),
    ...(startingDeadlineMs === undefined ? {} : { startingDeadlineMs }),
    history: { succeeded: spec.historyLimit?.succeeded ?? defaultHistory.succeeded, failed: spec.historyLimit?.failed ?? defaultHistory.failed },
    suspended: spec.suspend === true,
    dependsOn: dependencyKeys(job.workload.spec, namespace),
  };
}

/** The service of one run: the template, named and labelled with its slot. */
export function renderRunSpec(job: DesiredJob, slot: RunSlot): ServiceSpec & { Name: string } {
  return { ...job.template, Name: runServiceName(job.namespace, job.name, slot), Labels: sortKeys({ ...job.template.Labels, [ownershipLabels.runSlot]: formatRunSlot(slot) }) };
}
