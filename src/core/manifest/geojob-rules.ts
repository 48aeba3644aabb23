import type { GeoJob } from './geojob.generated.js';
import type { LoadedManifest } from './manifest-set.js';
import { ManifestProblemCode } from './manifest-set.js';
import { checkGeoService, maxServiceNameLength, type SemanticIssue } from './semantic-rules.js';
import { isScheduleError, parseSchedule } from '../schedule/cron-schedule.js';

type Workload = LoadedManifest['resource'];

/** What a run's service name adds to `<namespace>_<name>`: `-` and a 15-character slot stamp (runNameOf). */
export const runNameSuffixLength = 16;

/**
 * The GeoService a GeoJob's runs execute: its container fields (x-kargo-fields-from in
 * crds/geojob.yaml), with the GeoService's defaults for everything else. The semantic rules, the
 * policy, the file reader and rendering judge and render a job through it, so that a field means
 * the same in both kinds. A job field added to the CRD must be taken out here, or this stops
 * compiling (it is no GeoService field). `dependsOn` stays: it means what a GeoService's does, so
 * the dependency rules between manifests read it from the workload as from a GeoService.
 */
export function workloadOf(job: GeoJob & { metadata: { namespace: string } }): Workload {
  const { schedule: _schedule, timeZone: _timeZone, concurrencyPolicy: _policy, activeDeadline: _active, startingDeadline: _starting, completions: _completions, parallelism: _parallelism, historyLimit: _history, suspend: _suspend, ...container } = job.spec;
  return { apiVersion: job.apiVersion, kind: 'GeoService', metadata: { name: job.metadata.name, namespace: job.metadata.namespace }, spec: container };
}

/** The rules one schema-valid GeoJob must also keep: the workload's, and the schedule's. */
export function checkGeoJob(job: GeoJob, namespace: string, workload: Workload): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const prefix = `${namespace}_${job.metadata.name}`;
  const limit = maxServiceNameLength - runNameSuffixLength;
  if (prefix.length > limit) {
    issues.push({ path: ['metadata', 'name'], code: ManifestProblemCode.InvalidName, message: `"${prefix}" is ${String(prefix.length)} characters long; a GeoJob's runs add ${String(runNameSuffixLength)} to it, so the limit is ${String(limit)}` });
  }
  const { schedule, timeZone, startingDeadline } = job.spec;
  if (schedule !== undefined) {
    const parsed = parseSchedule(schedule, timeZone);
    if (isScheduleError(parsed)) issues.push({ path: ['spec', parsed.field], code: ManifestProblemCode.InvalidField, message: parsed.message });
  } else {
    if (timeZone !== undefined) issues.push({ path: ['spec', 'timeZone'], code: ManifestProblemCode.InvalidField, message: 'timeZone applies only with a schedule' });
    if (startingDeadline !== undefined) issues.push({ path: ['spec', 'startingDeadline'], code: ManifestProblemCode.InvalidField, message: 'startingDeadline applies only with a schedule' });
  }
  // The workload's own name rule is the GeoService's (63): the job's, above, is stricter.
  return [...issues, ...checkGeoService(workload, namespace).filter((issue) => issue.code !== ManifestProblemCode.InvalidName)];
}
