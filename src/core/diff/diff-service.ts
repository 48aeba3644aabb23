import type { ServiceSpec } from '../swarm/engine-api.js';
import type { ChangeSetEntry, FieldChange } from './change-set.js';
import { comparableSpec, swarmDefaultOf, type ComparableSpec, type LiveContext } from './comparable-spec.js';
import { compareCodePoints } from '../render/canonical-json.js';

/**
 * What it takes to go from the live spec to the desired one. `desired` undefined: the service
 * should not exist; `live` undefined: it does not yet.
 */
export function diffService(
  name: string,
  desired: ServiceSpec | undefined,
  live: ServiceSpec | undefined,
  context?: LiveContext,
): ChangeSetEntry {
  // One side missing: every leaf of the other is a change (no defaults to fill in, nothing to merge).
  if (desired === undefined) return createdOrDeletedEntry(name, 'deleted', () => (live === undefined ? new Map() : comparableSpec(live, context)), 'from');
  if (live === undefined) return createdOrDeletedEntry(name, 'created', () => comparableSpec(desired), 'to');
  const options = { keepImageDigest: desired.TaskTemplate?.ContainerSpec?.Image?.includes('@') === true };
  const changes = fieldChanges(comparableSpec(live, context, options), comparableSpec(desired, undefined, options));
  return {
    name,
    action: changes.length === 0 ? 'unchanged' : 'configured',
    changes,
    recreateReasons: recreateReasons(desired, live),
  };
}

/**
 * A create or a delete: each leaf of the one side is a change. Listed when first read, because
 * only `kargo diff` shows them: a controller creating 500 services would flatten 500 specs for nothing.
 */
function createdOrDeletedEntry(name: string, action: 'created' | 'deleted', leaves: () => ComparableSpec, side: 'from' | 'to'): ChangeSetEntry {
  let changes: FieldChange[] | undefined;
  return {
    name,
    action,
    get changes(): FieldChange[] {
      changes ??= [...leaves()].map(([path, value]) => (side === 'from' ? { path, from: value } : { path, to: value }));
      return changes;
    },
    recreateReasons: [],
  };
}

function fieldChanges(from: ComparableSpec, to: ComparableSpec): FieldChange[] {
  const paths = [...new Set([...from.keys(), ...to.keys()])].sort(compareCodePoints);
  const changes: FieldChange[] = [];
  for (const path of paths) {
    // A leaf one side leaves out holds Swarm's default there, e.g. Order stop-first → start-first.
    const before = from.get(path) ?? swarmDefaultOf(path);
    const after = to.get(path) ?? swarmDefaultOf(path);
    if (sameValue(before, after)) continue;
    changes.push({ path, ...(before === undefined ? {} : { from: before }), ...(after === undefined ? {} : { to: after }) });
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (Array.isArray(a) && Array.isArray(b) && JSON.stringify(a) === JSON.stringify(b));
}

/** Changes Swarm refuses to make to an existing service. */
function recreateReasons(desired: ServiceSpec, live: ServiceSpec): string[] {
  const modeOf = (spec: ServiceSpec): string => (spec.Mode?.Global !== undefined ? 'global' : 'replicated');
  const reasons: string[] = [];
  if (modeOf(desired) !== modeOf(live)) reasons.push(`mode changes from ${modeOf(live)} to ${modeOf(desired)}`);
  return reasons;
}
