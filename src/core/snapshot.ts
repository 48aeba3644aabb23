import { desiredStateOf, relativeSourceFile, type SourceProtection } from './desired-state.js';
import type { DesiredService } from './diff/plan-changes.js';
import type { DesiredNetwork } from './diff/plan-networks.js';
import type { DesiredJob } from './render/render-job-spec.js';
import type { ManifestProblem, ManifestSet } from './manifest/manifest-set.js';
import { ownershipLabels } from './render/ownership.js';
import { inNamespaceScope, type NamespaceScope } from './namespace-scope.js';

/** Everything the controller knows about the source at one revision. Immutable. */
export interface Snapshot extends SourceProtection {
  readonly revision: string;
  readonly desired: ReadonlyMap<string, DesiredService>;
  /** Networks by key: declared by a manifest, or a namespace's default network some GeoService joins. */
  readonly networks: ReadonlyMap<string, DesiredNetwork>;
  /** GeoJobs by key. */
  readonly jobs: ReadonlyMap<string, DesiredJob>;
  readonly problems: readonly ManifestProblem[];
  /** The first problem of each file that has one, by path relative to the root (as in io.kargo.source). */
  readonly problemByFile: ReadonlyMap<string, ManifestProblem>;
  readonly set: ManifestSet;
  /** The source has no valid manifest in the namespaces this Kargo manages. */
  readonly sourceEmpty: boolean;
  /** The GeoServices and GeoJobs that wait for each key (`spec.dependsOn`), so that they go once it is Ready. */
  readonly dependents: ReadonlyMap<string, readonly string[]>;
}

/** The snapshot of a manifest set read below `root` at `revision`, for a Kargo managing `scope`. */
export function snapshotOf(set: ManifestSet, root: string, revision: string, scope?: NamespaceScope): Snapshot {
  const state = desiredStateOf(set, root, revision);
  return {
    revision,
    desired: new Map(state.desired.map((service) => [service.key, service])),
    networks: new Map(state.networks.map((network) => [network.key, network])),
    jobs: new Map(state.jobs.map((job) => [job.key, job])),
    protectedKeys: state.protectedKeys,
    protectedFiles: state.protectedFiles,
    unidentifiedFiles: state.unidentifiedFiles,
    problems: set.problems,
    problemByFile: new Map([...set.problems].reverse().map((problem) => [relativeSourceFile(root, problem.file), problem])),
    set,
    // Networks do not count: a repository whose services and jobs all vanished (a broken checkout
    // that kept networks.yaml) must still refuse to prune every service.
    sourceEmpty: ![...state.desired, ...state.jobs].some((workload) => inNamespaceScope(workload.key, scope)),
    dependents: dependentsOf([...state.desired, ...state.jobs]),
  };
}

function dependentsOf(waiting: readonly (DesiredService | DesiredJob)[]): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const dependent of waiting) for (const key of dependent.dependsOn ?? []) dependents.set(key, [...(dependents.get(key) ?? []), dependent.key]);
  return dependents;
}

/** What about a key matters to a reconcile: its spec (by hash), wishes and problems, not its revision. */
function fingerprint(snapshot: Snapshot, key: string): string {
  const desired = snapshot.desired.get(key);
  const network = snapshot.networks.get(key);
  const job = snapshot.jobs.get(key);
  const problems = snapshot.problems.filter((problem) => problem.key === key).map((problem) => problem.message);
  if (network !== undefined) return network.spec.Labels[ownershipLabels.specHash] ?? '';
  if (job !== undefined) {
    // The revision is in the template's labels but not in its hash: what a reconcile acts on, without it.
    const { template: _template, files: _files, ...settings } = job;
    return JSON.stringify(settings);
  }
  if (desired === undefined) return problems.length === 0 ? '' : `invalid:${problems.join('|')}`;
  return [desired.spec.Labels?.[ownershipLabels.specHash] ?? '', desired.adopt, desired.suspended, ...(desired.dependsOn ?? [])].join('|');
}

/** Keys whose reconcile could come out differently under `next` than under `previous`. */
export function changedKeys(previous: Snapshot | undefined, next: Snapshot): string[] {
  const keysOf = (snapshot: Snapshot): string[] => [...snapshot.desired.keys(), ...snapshot.networks.keys(), ...snapshot.jobs.keys(), ...snapshot.protectedKeys];
  const keys = new Set(keysOf(next));
  if (previous !== undefined) for (const key of keysOf(previous)) keys.add(key);
  const emptinessFlipped = previous !== undefined && previous.sourceEmpty !== next.sourceEmpty;
  return [...keys].filter(
    (key) => previous === undefined || emptinessFlipped || fingerprint(previous, key) !== fingerprint(next, key),
  );
}
