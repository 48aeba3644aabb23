import type { FieldPath } from '../manifest/field-path.js';
import type { GeoService } from '../manifest/geoservice.generated.js';
import { ManifestProblemCode } from '../manifest/manifest-set.js';
import type { Network } from '../manifest/network.generated.js';
import type { GeoJob } from '../manifest/geojob.generated.js';
import { workloadOf } from '../manifest/geojob-rules.js';
import type { SemanticIssue } from '../manifest/semantic-rules.js';
import { adoptAnnotation } from '../render/ownership.js';
import { swarmNameOf, type ObjectKind } from '../object-key.js';
import { matchesAny } from './glob.js';
import { exposes, isWithin, normalisePath } from './host-paths.js';
import { rulesFor, type PolicyContext, type Rules } from './policy.js';
import { reviewedFields, unreviewedFields } from './reviewed-fields.js';

/** What a rule needs of the manifest it judges. */
interface Judged<T> {
  readonly resource: T;
  readonly namespace: string;
  readonly rules: Rules;
  /** A PolicyDenied issue at `path` for breaking `rule`. */
  readonly deny: (path: FieldPath, rule: string, message: string) => SemanticIssue;
}

type Rule<T> = (judged: Judged<T>) => SemanticIssue[];

/**
 * Checks one schema-valid manifest against the policy: every broken rule is an issue with code
 * PolicyDenied, at the field at fault, naming the rule and where the policy comes from. Pure.
 */
export function checkPolicy(kind: ObjectKind, resource: GeoService | Network | GeoJob, namespace: string, context: PolicyContext): SemanticIssue[] {
  const deny = (path: FieldPath, rule: string, message: string): SemanticIssue => ({
    path,
    code: ManifestProblemCode.PolicyDenied,
    rule,
    message: `${message}: denied by policy rule ${rule} (${context.policy.origin})`,
  });
  const common = [...namespaceRule(namespace, context, deny), ...unreviewed(kind, resource, deny)];
  const rules = rulesFor(context.policy, namespace);
  if (kind === 'Network') return [...common, ...networkRules.flatMap((rule) => rule({ resource: resource as Network, namespace, rules, deny }))];
  if (kind === 'GeoJob') {
    // Judged as the workload it runs: the same fields at the same paths. A run's service is never
    // Kargo's own (its name has a slot suffix) and is created, never adopted.
    const workload = workloadOf({ ...(resource as GeoJob), metadata: { ...(resource as GeoJob).metadata, namespace } });
    return [...common, ...workloadRules.flatMap((rule) => rule({ resource: workload, namespace, rules, deny }))];
  }
  const judged = { resource: resource as GeoService, namespace, rules, deny };
  return [...common, ...selfServiceRule(judged, context), ...geoServiceRules.flatMap((rule) => rule(judged))];
}

type Deny = Judged<unknown>['deny'];

function namespaceRule(namespace: string, context: PolicyContext, deny: Deny): SemanticIssue[] {
  const allowed = context.policy.allowedNamespaces;
  return allowed === undefined || matchesAny(namespace, allowed) ? [] : [deny(['metadata', 'namespace'], 'allowedNamespaces', `namespace ${namespace} is not one the policy allows`)];
}

function unreviewed(kind: ObjectKind, resource: unknown, deny: Deny): SemanticIssue[] {
  return unreviewedFields(resource, reviewedFields[kind]).map((path) =>
    deny(path, 'reviewedFields', `the policy has not reviewed field ${path.join('.')} of a ${kind} (a new field: add it, and any rule it needs, to src/core/policy/reviewed-fields.ts)`),
  );
}

/** Kargo never touches the service it runs as: a manifest naming it could replace or remove Kargo itself. */
function selfServiceRule({ resource, namespace, deny }: Judged<GeoService>, context: PolicyContext): SemanticIssue[] {
  const name = swarmNameOf({ namespace, name: resource.metadata.name });
  return name === context.selfService ? [deny(['metadata', 'name'], 'selfService', `service ${name} is the one Kargo itself runs as`)] : [];
}

const imageRule: Rule<GeoService> = ({ resource, rules, deny }) => {
  const image = resource.spec.image;
  const { allowed, requireDigest } = rules.images;
  const issues: SemanticIssue[] = [];
  if (allowed !== undefined && !matchesAny(image, allowed) && !matchesAny(fullImageName(image), allowed)) {
    issues.push(deny(['spec', 'image'], 'images.allowed', `image ${image} matches none of ${allowed.join(', ')}`));
  }
  if (requireDigest && !/@sha256:[0-9a-f]{64}$/.test(image)) issues.push(deny(['spec', 'image'], 'images.requireDigest', `image ${image} is not pinned by digest (name@sha256:…)`));
  return issues;
};

/** `nginx:1` as the engine reads it: `docker.io/library/nginx:1`. */
export function fullImageName(image: string): string {
  const [first = '', ...rest] = image.split('/');
  const hasRegistry = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return image;
  return rest.length === 0 ? `docker.io/library/${image}` : `docker.io/${image}`;
}

const bindRule: Rule<GeoService> = ({ resource, rules, deny }) =>
  (resource.spec.volumes ?? []).flatMap((volume, index) => {
    if (volume.type !== 'bind' || volume.source === undefined) return [];
    const source = normalisePath(volume.source);
    const at: FieldPath = ['spec', 'volumes', index, 'source'];
    const { deniedPaths, allowedPrefixes, readOnly } = rules.binds;
    const exposed = deniedPaths.filter((path) => exposes(source, path));
    const issues: SemanticIssue[] = [];
    if (exposed.length > 0) issues.push(deny(at, 'binds.deniedPaths', `bind of host path ${source} exposes ${exposed.join(', ')}`));
    else if (allowedPrefixes !== undefined && !allowedPrefixes.some((prefix) => isWithin(source, prefix))) {
      issues.push(deny(at, 'binds.allowedPrefixes', allowedPrefixes.length === 0 ? 'no bind mount is allowed' : `bind of host path ${source} is under none of ${allowedPrefixes.join(', ')}`));
    }
    if (readOnly && volume.readOnly !== true) issues.push(deny(['spec', 'volumes', index, 'readOnly'], 'binds.readOnly', `bind of host path ${source} must be readOnly: true`));
    return issues;
  });

const rootRule: Rule<GeoService> = ({ resource, rules, deny }) => {
  if (rules.runAsRoot === true) return [];
  const user = resource.spec.user;
  if (user === undefined) return rules.runAsRoot === 'imageDefault' ? [] : [deny(['spec', 'user'], 'runAsRoot', 'no user is set, so the container runs as the image\'s default user, which may be root: set a non-root user such as "1000:1000"')];
  const hint = rules.runAsRoot === 'imageDefault' ? ': leave user unset to run as the image\'s default user, or set a non-root one' : '';
  return isRootUser(user) ? [deny(['spec', 'user'], 'runAsRoot', `user "${user}" is root${hint}`)] : [];
};

/** `0`, `root`, `0:0`, `root:staff`, `000`: the user part names uid 0 (a group of 0 alone is not root). */
export function isRootUser(user: string): boolean {
  const name = (user.split(':')[0] ?? '').trim();
  return name === 'root' || /^0+$/.test(name);
}

const networkAttachmentRule: Rule<GeoService> = ({ resource, rules, deny }) =>
  (resource.spec.networks ?? []).flatMap((entry, index) => {
    if (typeof entry === 'string' || entry.external !== true) return [];
    const at: FieldPath = ['spec', 'networks', index];
    if (entry.name === 'host') return rules.networks.host ? [] : [deny(at, 'networks.host', 'joining the host network (the node\'s own network stack)')];
    const allowed = rules.networks.external;
    return allowed === undefined || matchesAny(entry.name, allowed) ? [] : [deny(at, 'networks.external', `external network ${entry.name} matches none of ${allowed.join(', ') || '(none)'}`)];
  });

const portRule: Rule<GeoService> = ({ resource, rules, deny }) =>
  (resource.spec.ports ?? []).flatMap((port, index) => {
    const issues: SemanticIssue[] = [];
    const ranges = rules.ports.published;
    if (ranges !== undefined) {
      const text = ranges.map((range) => (range.from === range.to ? String(range.from) : `${String(range.from)}-${String(range.to)}`)).join(', ') || '(none)';
      if (port.published === undefined) issues.push(deny(['spec', 'ports', index], 'ports.published', `a port Swarm publishes on a port of its choosing; publish one of ${text}`));
      else if (!ranges.some((range) => port.published !== undefined && port.published >= range.from && port.published <= range.to)) {
        issues.push(deny(['spec', 'ports', index, 'published'], 'ports.published', `port ${String(port.published)} is outside ${text}`));
      }
    }
    if (port.mode === 'host' && !rules.ports.hostMode) issues.push(deny(['spec', 'ports', index, 'mode'], 'ports.hostMode', 'publishing in host mode (on the node, bypassing the routing mesh)'));
    return issues;
  });

const managerRule: Rule<GeoService> = ({ resource, rules, deny }) => {
  if (rules.placement.managers) return [];
  const constraints = (resource.spec.placement?.constraints ?? []).map((constraint) => constraint.replace(/\s+/g, ''));
  if (constraints.includes('node.role==worker') || constraints.includes('node.role!=manager')) return [];
  return [deny(['spec', 'placement', 'constraints'], 'placement.managers', 'tasks may be placed on a manager: add the constraint node.role == worker')];
};

const adoptRule: Rule<GeoService> = ({ resource, namespace, rules, deny }) => {
  if (resource.metadata.annotations?.[adoptAnnotation] !== 'true') return [];
  const name = swarmNameOf({ namespace, name: resource.metadata.name });
  if (matchesAny(name, rules.adopt)) return [];
  return [deny(['metadata', 'annotations', adoptAnnotation], 'adopt', `adopting service ${name} (${adoptAnnotation}: "true") is not allowed in namespace ${namespace}`)];
};

/** A secret made outside Kargo may be another team's password: a policy can name the ones a namespace may mount. */
const externalSecretRule: Rule<GeoService> = ({ resource, rules, deny }) =>
  (resource.spec.secrets ?? []).flatMap((entry, index) => {
    const allowed = rules.externalSecrets;
    if (entry.external === undefined || allowed === undefined || matchesAny(entry.external, allowed)) return [];
    return [deny(['spec', 'secrets', index, 'external'], 'externalSecrets', `external secret ${entry.external} matches none of ${allowed.join(', ') || '(none)'}`)];
  });

/** The rules of what a container may do, which GeoServices and GeoJobs share. */
const workloadRules: readonly Rule<GeoService>[] = [imageRule, bindRule, rootRule, networkAttachmentRule, portRule, managerRule, externalSecretRule];
const geoServiceRules: readonly Rule<GeoService>[] = [...workloadRules, adoptRule];

const networkDriverRule: Rule<Network> = ({ resource, rules, deny }) => {
  const driver = resource.spec?.driver ?? 'overlay';
  if (driver === 'host') return rules.networks.host ? [] : [deny(['spec', 'driver'], 'networks.host', 'a network of the host driver')];
  const allowed = rules.networks.drivers;
  return allowed === undefined || matchesAny(driver, allowed) ? [] : [deny(['spec', 'driver'], 'networks.drivers', `driver ${driver} matches none of ${allowed.join(', ') || '(none)'}`)];
};

const networkRules: readonly Rule<Network>[] = [networkDriverRule];
