import { compareCodePoints } from '../render/canonical-json.js';
import { provenanceLabels } from '../render/ownership.js';
import type { Mount, NetworkAttachmentConfig, PortConfig, ServiceSpec, UpdateConfig } from '../swarm/engine-api.js';

/** A spec flattened to its leaves: `TaskTemplate.ContainerSpec.Env.FOO` → `"bar"`. */
export type ComparableSpec = ReadonlyMap<string, unknown>;

/** What the live side needs to be compared: Swarm stores network IDs where the manifest names networks. */
export interface LiveContext {
  readonly networkNames: ReadonlyMap<string, string>;
}

/**
 * Values Swarm fills in when a spec leaves them out. A leaf equal to its default is the same
 * as no leaf at all, on either side.
 */
const swarmDefaults: Readonly<Record<string, unknown>> = {
  'TaskTemplate.ContainerSpec.Isolation': 'default',
  'TaskTemplate.Runtime': 'container',
  'UpdateConfig.FailureAction': 'pause',
  'UpdateConfig.Order': 'stop-first',
  'RollbackConfig.FailureAction': 'pause',
  'RollbackConfig.Order': 'stop-first',
  'EndpointSpec.Mode': 'vip',
  'UpdateConfig.Parallelism': 1,
  'RollbackConfig.Parallelism': 1,
};

/** How the two sides of a diff are read alike. */
export interface CompareOptions {
  /** The manifest pins a digest: a change of digest is a change, so no digest is dropped. */
  readonly keepImageDigest?: boolean;
}

/** The value Swarm gives a leaf a spec leaves out, if it gives one. */
export function swarmDefaultOf(path: string): unknown {
  return swarmDefaults[path];
}

/** Leaves no diff looks at: bookkeeping Swarm or the CLI adds that says nothing about the service. */
const ignoredPaths: readonly string[] = ['TaskTemplate.ForceUpdate', 'TaskTemplate.Placement.Platforms'];

/**
 * One canonical form for a rendered spec and a live one, so that a service freshly created from a
 * rendered spec compares equal: defaults filled in by Swarm are dropped, zero values are the same
 * as absent ones, lists whose order means nothing become maps keyed by identity (env by name,
 * mounts by target, ports by published/target/protocol, networks by name, constraints by text),
 * a digest Swarm appended to a tagged image is dropped (unless the manifest pins one), network IDs
 * become names, and the provenance labels (revision, spec hash) are left out.
 */
export function comparableSpec(spec: ServiceSpec, context: LiveContext = { networkNames: new Map() }, options: CompareOptions = {}): ComparableSpec {
  const keyed = {
    ...spec,
    Labels: bracketKeys(withoutProvenance(spec.Labels)),
    TaskTemplate: {
      ...spec.TaskTemplate,
      ContainerSpec: {
        ...spec.TaskTemplate?.ContainerSpec,
        Labels: bracketKeys(spec.TaskTemplate?.ContainerSpec?.Labels),
        Image: options.keepImageDigest === true ? spec.TaskTemplate?.ContainerSpec?.Image : canonicalImage(spec.TaskTemplate?.ContainerSpec?.Image),
        Env: bracketKeys(envMap(spec.TaskTemplate?.ContainerSpec?.Env)),
        Mounts: keyBy(spec.TaskTemplate?.ContainerSpec?.Mounts, mountKey),
        // By target, without the engine's ids: the name holds the content's hash, so a new content reads as a new name.
        Configs: keyBy(spec.TaskTemplate?.ContainerSpec?.Configs, fileTargetKey, ({ ConfigID: _id, ...rest }) => rest),
        Secrets: keyBy(spec.TaskTemplate?.ContainerSpec?.Secrets, fileTargetKey, ({ SecretID: _id, ...rest }) => rest),
      },
      Networks: keyBy(spec.TaskTemplate?.Networks, (network) => networkName(network, context), ({ Target: _id, ...rest }) => rest),
      Placement: {
        ...spec.TaskTemplate?.Placement,
        Constraints: keyBy(spec.TaskTemplate?.Placement?.Constraints, normaliseConstraint, () => true),
      },
    },
    EndpointSpec: { ...spec.EndpointSpec, Ports: keyBy(spec.EndpointSpec?.Ports, occurrenceKey(portKey)) },
  };
  const leaves = new Map<string, unknown>();
  flatten(keyed, '', leaves);
  const comparable = new Map<string, unknown>();
  for (const [path, value] of [...leaves].sort(([a], [b]) => compareCodePoints(a, b))) {
    if (ignoredPaths.some((ignored) => path === ignored || path.startsWith(`${ignored}.`))) continue;
    if (swarmDefaults[path] === value) continue;
    comparable.set(path, value);
  }
  // Always explicit (Swarm's default is 1), so scaling to or from 0 and switching modes read plainly.
  if (spec.Mode?.Global === undefined) comparable.set('Mode.Replicated.Replicas', spec.Mode?.Replicated?.Replicas ?? 1);
  setParallelism(comparable, 'UpdateConfig', spec.UpdateConfig);
  setParallelism(comparable, 'RollbackConfig', spec.RollbackConfig);
  return new Map([...comparable].sort(([a], [b]) => compareCodePoints(a, b)));
}

/**
 * Parallelism 0 means "all at once", not "left out": Swarm runs one task at a time only when the
 * whole policy is left out. A leaf is kept where the effective value is not Swarm's default of 1.
 */
function setParallelism(comparable: Map<string, unknown>, policy: 'UpdateConfig' | 'RollbackConfig', config: UpdateConfig | undefined): void {
  const effective = config === undefined ? 1 : (config.Parallelism ?? 0);
  if (effective === 1) comparable.delete(`${policy}.Parallelism`);
  else comparable.set(`${policy}.Parallelism`, effective);
}

/**
 * Puts leaves in `into`. Zero values and empty containers are left out (Swarm omits them), except
 * where presence is the point: an item of a keyed list or map (`Env[FOO]` set to "", a network
 * with no options) and `Mode.Global`.
 */
export function flatten(value: unknown, path: string, into: Map<string, unknown>): void {
  const keyedItem = path.endsWith(']');
  if (value === undefined || value === null || value === 0 || value === false) return;
  if (value === '' && !keyedItem) return;
  if (Array.isArray(value)) {
    if (value.length > 0) into.set(path, value);
    return;
  }
  if (typeof value === 'object') {
    const before = into.size;
    for (const [key, nested] of Object.entries(value as Record<string, unknown>)) flatten(nested, joinPath(path, key), into);
    if (into.size === before && (keyedItem || path === 'Mode.Global')) into.set(path, true);
    return;
  }
  into.set(path, value);
}

/** `Env` + `[FOO]` → `Env[FOO]`; `TaskTemplate` + `Runtime` → `TaskTemplate.Runtime`. */
function joinPath(path: string, key: string): string {
  if (path === '') return key;
  return key.startsWith('[') ? `${path}${key}` : `${path}.${key}`;
}

/** A list whose order means nothing as a map keyed `[identity]`, so a diff names the item that changed. */
export function keyBy<T>(items: readonly T[] | undefined, keyOf: (item: T) => string, valueOf: (item: T) => unknown = (item) => item): Record<string, unknown> {
  return Object.fromEntries((items ?? []).map((item) => [`[${keyOf(item)}]`, valueOf(item)]));
}

/** Map keys may hold dots (labels): bracket them so paths stay readable and unambiguous. */
export function bracketKeys(record: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([key, value]) => [`[${key}]`, value]));
}

function envMap(env: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (env ?? []).map((line) => {
      const equals = line.indexOf('=');
      return equals < 0 ? [line, ''] : [line.slice(0, equals), line.slice(equals + 1)];
    }),
  );
}

function fileTargetKey(reference: { File?: { Name: string } }): string {
  return reference.File?.Name ?? '';
}

function mountKey(mount: Mount): string {
  return mount.Target ?? '';
}

/** A port is known by its container side, so that republishing it reads as one changed field. */
function portKey(port: PortConfig): string {
  return `${String(port.TargetPort ?? 0)}/${port.Protocol ?? 'tcp'}`;
}

/** Keys made unique by counting repeats (`80/tcp`, `80/tcp#2`), for lists that may repeat an identity. */
function occurrenceKey<T>(keyOf: (item: T) => string): (item: T) => string {
  const seen = new Map<string, number>();
  return (item) => {
    const key = keyOf(item);
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    return count === 1 ? key : `${key}#${String(count)}`;
  };
}

function networkName(network: NetworkAttachmentConfig, context: LiveContext): string {
  const target = network.Target ?? '';
  return context.networkNames.get(target) ?? target;
}

function normaliseConstraint(constraint: string): string {
  return constraint.replace(/\s*(==|!=)\s*/, ' $1 ').trim();
}

/** `repo:tag@sha256:…` → `repo:tag`: Swarm pins the digest it resolved; the manifest named the tag. */
export function canonicalImage(image: string | undefined): string | undefined {
  if (image === undefined) return undefined;
  const at = image.indexOf('@');
  if (at < 0) return image;
  const name = image.slice(0, at);
  const hasTag = name.lastIndexOf(':') > name.lastIndexOf('/');
  return hasTag ? name : image;
}

export function withoutProvenance(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([label]) => !provenanceLabels.includes(label)));
}
