import { posix } from 'node:path';
import type { ManifestSet } from './manifest/manifest-set.js';
import { adoptAnnotation } from './render/ownership.js';
import { renderServiceSpec } from './render/render-service-spec.js';
import { renderFileMounts } from './render/file-objects.js';
import { dependencyKeys } from './manifest/dependencies.js';
import { ogcEndpointOf } from './ogc/ogc-endpoint.js';
import { optionalField } from './optional-field.js';
import { implicitDefaultNetwork, renderNetworkSpec } from './render/render-network-spec.js';
import { networkKeysOf } from './render/network-attachments.js';
import { renderJob, type DesiredJob } from './render/render-job-spec.js';
import type { DesiredService, PlanPolicy } from './diff/plan-changes.js';
import type { DesiredNetwork } from './diff/plan-networks.js';
import { formatKey, kindOfKey, parseKey } from './object-key.js';
import { defaultNetworkName } from './manifest/across-manifests.js';

/** What failed to load, so that the plan leaves its services alone (see PlanPolicy). */
export interface SourceProtection {
  readonly protectedKeys: ReadonlySet<string>;
  readonly protectedFiles: ReadonlySet<string>;
  /** Files with a problem that names no GeoService. */
  readonly unidentifiedFiles: ReadonlySet<string>;
}

/** Desired services, networks and jobs, and the keys and files that must be left alone, from one set of manifests. */
export interface DesiredState extends SourceProtection {
  readonly desired: DesiredService[];
  readonly networks: DesiredNetwork[];
  readonly jobs: DesiredJob[];
}

/** A manifest file's path relative to the manifests root: what the io.kargo.source label holds. */
export function relativeSourceFile(root: string, file: string): string {
  return posix.relative(root, file) || posix.basename(file);
}

/**
 * Renders every valid manifest of `set`, read below `root` at `revision`, and collects what
 * failed to load so that its services are protected.
 */
export function desiredStateOf(set: ManifestSet, root: string, revision: string): DesiredState {
  const relative = (file: string): string => relativeSourceFile(root, file);
  const desired = set.manifests.map(({ key, resource, source, contents }) => {
    const fileMounts = renderFileMounts(resource, contents);
    const spec = renderServiceSpec(resource, { revision, sourceFile: relative(source.file), fileMounts });
    return {
      key,
      spec: { ...spec, Name: spec.Name ?? key },
      files: fileMounts.objects,
      dependsOn: dependencyKeys(resource.spec, resource.metadata.namespace),
      ...optionalField('ogc', ogcEndpointOf(resource.spec)),
      adopt: resource.metadata.annotations?.[adoptAnnotation] === 'true',
      suspended: resource.spec.suspend === true,
    };
  });
  const jobs = set.jobs.map((job) => renderJob(job, { revision, sourceFile: relative(job.source.file) }));
  const declared = set.networks.map(({ key, resource, source }) => ({ key, spec: renderNetworkSpec(resource, { revision, sourceFile: relative(source.file) }) }));
  const problemKeys = set.problems.flatMap((problem) => (problem.key === undefined ? [] : [problem.key]));
  // The default network of a namespace with a broken manifest stays: its service may still join it.
  const defaultNetworksKept = problemKeys.flatMap((key) => (kindOfKey(key) === 'GeoService' ? [formatKey('Network', parseKey(key).namespace, defaultNetworkName)] : []));
  return {
    desired,
    jobs,
    networks: [...declared, ...implicitNetworks(set, new Set([...declared.map((network) => network.key), ...problemKeys]), revision)],
    protectedKeys: new Set([...problemKeys, ...defaultNetworksKept]),
    protectedFiles: new Set(set.problems.map((problem) => relative(problem.file))),
    unidentifiedFiles: new Set(set.problems.flatMap((problem) => (problem.key === undefined ? [relative(problem.file)] : []))),
  };
}

/**
 * The default network of each namespace one of whose GeoServices or GeoJobs joins it (names no network, or
 * `default`), unless a Network manifest declares it (even a broken one: that one is protected).
 */
function implicitNetworks(set: ManifestSet, declared: ReadonlySet<string>, revision: string): DesiredNetwork[] {
  const workloads = [...set.manifests.map(({ resource }) => resource), ...set.jobs.map(({ workload }) => workload)];
  const joined = new Set(workloads.flatMap((resource) => networkKeysOf(resource.spec.networks, resource.metadata.namespace)));
  return [...joined]
    .filter((key) => !declared.has(key) && parseKey(key).name === defaultNetworkName)
    .sort()
    .map((key) => ({ key, spec: renderNetworkSpec(implicitDefaultNetwork(parseKey(key).namespace), { revision }) }));
}

/** The plan policy for what a source protects, whether it is empty, under the prune settings. */
export function planPolicyOf(source: SourceProtection, sourceEmpty: boolean, settings: { readonly prune: boolean; readonly allowEmpty: boolean; readonly selfService?: string }): PlanPolicy {
  return {
    prune: settings.prune,
    allowEmpty: settings.allowEmpty,
    ...(settings.selfService === undefined ? {} : { selfService: settings.selfService }),
    sourceEmpty,
    protectedKeys: source.protectedKeys,
    protectedFiles: source.protectedFiles,
    unidentifiedFiles: source.unidentifiedFiles,
  };
}
