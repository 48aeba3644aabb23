import { formatKey, kindOfKey } from '../object-key.js';
import { formatFieldPath } from './field-path.js';
import { ManifestProblemCode, type LoadedJob, type LoadedManifest, type LoadedNetwork, type ManifestProblem, type SourceLocation } from './manifest-set.js';
import { publishedPorts } from './semantic-rules.js';
import { checkDependencies } from './dependencies.js';

/**
 * A schema-valid manifest, with where the fields that the rules between manifests point at are
 * written (found while the file's YAML document is at hand, so it need not be kept).
 */
export type Located<T> = T & {
  /** By formatted field path: `metadata.name`, each `spec.ports[i].published`, each `spec.networks[i]`. */
  readonly fieldLocations: ReadonlyMap<string, SourceLocation>;
};

/**
 * A GeoService, or a GeoJob as the workload it runs (`resource`, see workloadOf) with its manifest
 * in `job`: the rules between manifests and the file reader see both the same way.
 */
export type Candidate = Located<LoadedManifest> & { readonly job?: LoadedJob['resource'] };
export type NetworkCandidate = Located<LoadedNetwork>;

/** The name by which a GeoService joins its namespace's default network. */
export const defaultNetworkName = 'default';

/**
 * Rules between manifests: one object per key, no published port used twice (an ingress port is
 * published on every node, so it clashes with any other use of that port), every network a
 * GeoService names by its short name declared by a Network of its namespace, and dependencies
 * that exist and form no cycle. Returns the
 * candidates that broke one; every party to a clash is rejected, each told where the other is.
 */
export function checkAcrossManifests(
  candidates: readonly Candidate[],
  networks: readonly NetworkCandidate[],
  problems: ManifestProblem[],
): Set<Candidate | NetworkCandidate> {
  const rejected = new Set<Candidate | NetworkCandidate>();
  checkDuplicates(candidates, problems, rejected);
  checkDuplicates(networks, problems, rejected);
  checkPorts(candidates, problems, rejected);
  // A Network whose manifest is broken is still declared: the GeoServices naming it stay valid.
  const declared = new Set([...networks.map((network) => network.key), ...problems.flatMap((problem) => (problem.key === undefined ? [] : [problem.key]))]);
  checkNetworkReferences(candidates, declared, problems, rejected);
  // A GeoService whose manifest is broken is still there to wait for, like a broken Network.
  const services = new Set([...candidates.map((candidate) => candidate.key), ...declared]);
  for (const candidate of checkDependencies(candidates, services, problems)) rejected.add(candidate);
  return rejected;
}

function checkDuplicates(group: readonly (Candidate | NetworkCandidate)[], problems: ManifestProblem[], rejected: Set<Candidate | NetworkCandidate>): void {
  for (const [key, same] of groupBy(group, (candidate) => candidate.key)) {
    if (same.length < 2) continue;
    for (const candidate of same) {
      const others = same.filter((other) => other !== candidate).map((other) => where(other.source));
      problems.push({ ...locate(candidate, 'metadata.name'), code: ManifestProblemCode.DuplicateName, field: 'metadata.name', key, message: `${kindOfKey(key)} ${key} is also defined at ${others.join(', ')}` });
      rejected.add(candidate);
    }
  }
}

function checkPorts(candidates: readonly Candidate[], problems: ManifestProblem[], rejected: Set<Candidate | NetworkCandidate>): void {
  const uses = candidates.flatMap((candidate) => publishedPorts(candidate.resource.spec).map((port) => ({ candidate, ...port })));
  for (const [port, group] of groupBy(uses, (use) => use.id)) {
    if (new Set(group.map((use) => use.candidate)).size < 2 || group.every((use) => use.host)) continue;
    for (const use of group) {
      const others = group.filter((other) => other.candidate !== use.candidate).map((other) => `${other.candidate.key} (${where(locate(other.candidate, publishedField(other.index)))})`);
      const field = publishedField(use.index);
      problems.push({ ...locate(use.candidate, field), code: ManifestProblemCode.PortConflict, field, key: use.candidate.key, message: `port ${port} is also published by ${others.join(', ')}` });
      rejected.add(use.candidate);
    }
  }
}

function checkNetworkReferences(candidates: readonly Candidate[], declared: ReadonlySet<string>, problems: ManifestProblem[], rejected: Set<Candidate | NetworkCandidate>): void {
  for (const candidate of candidates) {
    const namespace = candidate.resource.metadata.namespace;
    (candidate.resource.spec.networks ?? []).forEach((entry, index) => {
      const name = typeof entry === 'string' ? entry : entry.name;
      const external = typeof entry !== 'string' && entry.external === true;
      if (external || name === defaultNetworkName || declared.has(formatKey('Network', namespace, name))) return;
      const field = networksField(index);
      problems.push({
        ...locate(candidate, field),
        code: ManifestProblemCode.UnknownNetwork,
        field,
        key: candidate.key,
        message: `network "${name}" is not a Network of namespace ${namespace}: declare one (kind: Network, metadata.name: ${name}), or write {name: ${name}, external: true} for a network Kargo does not manage`,
      });
      rejected.add(candidate);
    });
  }
}

function locate(candidate: Candidate | NetworkCandidate, field: string): SourceLocation {
  return candidate.fieldLocations.get(field) ?? candidate.source;
}

export function publishedField(portIndex: number): string {
  return formatFieldPath(['spec', 'ports', portIndex, 'published']);
}

export function networksField(index: number): string {
  return formatFieldPath(['spec', 'networks', index]);
}

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

function groupBy<T>(items: readonly T[], keyOfItem: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOfItem(item), [...(groups.get(keyOfItem(item)) ?? []), item]);
  return groups;
}
