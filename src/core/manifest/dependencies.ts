import { formatKey, kindOfKey, parseKey } from '../object-key.js';
import { formatFieldPath } from './field-path.js';
import type { GeoServiceSpec } from './geoservice.generated.js';
import { ManifestProblemCode, keyOf, type ManifestProblem, type SourceLocation } from './manifest-set.js';

/** The keys (`namespace/name`) a GeoService or a GeoJob depends on: a bare name is in its own namespace. */
export function dependencyKeys(spec: GeoServiceSpec, namespace: string): string[] {
  return (spec.dependsOn ?? []).map((entry) => (entry.includes('/') ? entry : keyOf(namespace, entry)));
}

export function dependsOnField(index: number): string {
  return formatFieldPath(['spec', 'dependsOn', index]);
}

/** What the dependency rules need of a manifest: a GeoService, or a GeoJob as its workload (see workloadOf). */
export interface DependentCandidate {
  readonly key: string;
  readonly resource: { readonly metadata: { readonly namespace: string }; readonly spec: GeoServiceSpec };
  readonly source: SourceLocation;
  readonly fieldLocations: ReadonlyMap<string, SourceLocation>;
}

/**
 * Every dependency names a GeoService that has a manifest (a broken one counts: it is still
 * there to wait for), and no GeoService waits, through any chain, for itself: each member of a
 * cycle is told the whole cycle at its own entry. Only GeoServices can be waited for (a name
 * resolves to a GeoService key), so a GeoJob may wait but is never waited for, and is in no cycle.
 * Returns the candidates that broke a rule.
 */
export function checkDependencies<T extends DependentCandidate>(candidates: readonly T[], declared: ReadonlySet<string>, problems: ManifestProblem[]): Set<T> {
  const rejected = new Set<T>();
  const edges = new Map<string, string[]>();
  for (const candidate of candidates) {
    const keys = dependencyKeys(candidate.resource.spec, candidate.resource.metadata.namespace);
    edges.set(candidate.key, keys);
    keys.forEach((key, index) => {
      if (declared.has(key)) return;
      problems.push(problemAt(candidate, index, ManifestProblemCode.UnknownDependency, unknownDependency(candidate.key, key, declared)));
      rejected.add(candidate);
    });
  }
  for (const candidate of candidates) {
    const cycle = cycleThrough(candidate.key, edges);
    if (cycle === undefined) continue;
    const index = dependencyKeys(candidate.resource.spec, candidate.resource.metadata.namespace).indexOf(cycle[1] ?? '');
    problems.push(problemAt(candidate, index, ManifestProblemCode.DependencyCycle, `dependency cycle: ${cycle.join(' → ')}; nothing in it could ever start`));
    rejected.add(candidate);
  }
  return rejected;
}

function unknownDependency(dependent: string, key: string, declared: ReadonlySet<string>): string {
  const { namespace, name } = parseKey(key);
  if (declared.has(formatKey('GeoJob', namespace, name))) return `${key} is a GeoJob: only a GeoService can be waited for`;
  const waiter = kindOfKey(dependent) === 'GeoJob' ? 'a GeoJob can only wait for a GeoService' : 'a GeoService can only wait for another one';
  return `GeoService ${key} has no manifest: ${waiter} Kargo manages`;
}

/** The shortest path from `start` back to itself (start, …, start), found breadth first; undefined when there is none. */
function cycleThrough(start: string, edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const target of edges.get(next) ?? []) {
      if (target === start) return [...pathTo(next, cameFrom, start), start];
      if (cameFrom.has(target)) continue;
      cameFrom.set(target, next);
      queue.push(target);
    }
  }
  return undefined;
}

function pathTo(key: string, cameFrom: ReadonlyMap<string, string>, start: string): string[] {
  const path = [key];
  for (let at = key; at !== start; ) {
    const previous = cameFrom.get(at);
    if (previous === undefined) break;
    path.unshift(previous);
    at = previous;
  }
  return path;
}

function problemAt(candidate: DependentCandidate, index: number, code: ManifestProblemCode, message: string): ManifestProblem {
  const field = dependsOnField(Math.max(index, 0));
  return { ...(candidate.fieldLocations.get(field) ?? candidate.source), code, field, key: candidate.key, message };
}
