import type { FieldPath } from './field-path.js';
import { presetOf } from './engine-presets.js';
import { fileMountRules } from './file-mount-rules.js';
import type { GeoService, GeoServiceSpec } from './geoservice.generated.js';
import type { Network } from './network.generated.js';
import { ManifestProblemCode } from './manifest-set.js';
import { parseCpus, parseSize } from './units.js';

/** A rule broken by a schema-valid manifest, at `path`. */
export interface SemanticIssue {
  readonly path: FieldPath;
  readonly message: string;
  readonly code: ManifestProblemCode;
  /** The policy rule broken, for a PolicyDenied issue. */
  readonly rule?: string;
}

/** Swarm service names are DNS labels: 63 characters at most. */
export const maxServiceNameLength = 63;

/** Label prefixes Kargo writes itself; a manifest may not set them. */
export const reservedLabelPrefixes = ['io.kargo.', 'com.docker.stack.'];

type Rule = (spec: GeoServiceSpec) => SemanticIssue[];

const invalid = (path: FieldPath, message: string): SemanticIssue => ({
  path,
  message,
  code: ManifestProblemCode.InvalidField,
});

/** The rules one schema-valid GeoService must also keep. */
export function checkGeoService(resource: GeoService, namespace: string): SemanticIssue[] {
  const serviceName = `${namespace}_${resource.metadata.name}`;
  const nameIssues =
    serviceName.length > maxServiceNameLength
      ? [
          {
            path: ['metadata', 'name'],
            message: `the Swarm service name "${serviceName}" is ${serviceName.length} characters long; the limit is ${maxServiceNameLength}`,
            code: ManifestProblemCode.InvalidName,
          },
        ]
      : [];
  const rules: Rule[] = [modeRule, portRules, volumeRules, fileMountRules, healthCheckRules, ogcRules, labelRules, envRules, resourceRules];
  return [...nameIssues, ...rules.flatMap((rule) => rule(resource.spec))];
}

const modeRule: Rule = (spec) =>
  spec.mode === 'global' && spec.replicas !== undefined
    ? [invalid(['spec', 'replicas'], 'replicas cannot be set with mode: global (global runs one task per node)')]
    : [];

const portRules: Rule = (spec) => {
  const issues: SemanticIssue[] = [];
  const preset = presetOf(spec);
  const published = new Map<string, number>();
  (spec.ports ?? []).forEach((port, index) => {
    if (port.target === undefined && preset.port === undefined) {
      issues.push(invalid(['spec', 'ports', index, 'target'], `missing required field "target" (engine ${spec.engine ?? 'generic'} has no default port)`));
    }
    if (port.published === undefined) return;
    const id = `${String(port.published)}/${port.protocol ?? 'tcp'}`;
    const first = published.get(id);
    if (first !== undefined) {
      issues.push({
        path: ['spec', 'ports', index, 'published'],
        message: `port ${id} is already published by spec.ports[${first}]`,
        code: ManifestProblemCode.PortConflict,
      });
    } else {
      published.set(id, index);
    }
  });
  return issues;
};

const volumeRules: Rule = (spec) => {
  const issues: SemanticIssue[] = [];
  const preset = presetOf(spec);
  const targets = new Map<string, number>();
  (spec.volumes ?? []).forEach((volume, index) => {
    const at = (field: string): FieldPath => ['spec', 'volumes', index, field];
    if (volume.type === 'bind' && volume.source === undefined) issues.push(invalid(at('source'), 'a bind mount needs a source (an absolute host path)'));
    if (volume.type === 'bind' && volume.source?.startsWith('/') === false) issues.push(invalid(at('source'), `a bind source must be an absolute host path, not "${volume.source}"`));
    if (volume.type === 'tmpfs' && volume.source !== undefined) issues.push(invalid(at('source'), 'a tmpfs has no source'));
    if (volume.type !== 'tmpfs' && volume.size !== undefined) issues.push(invalid(at('size'), 'size applies only to a tmpfs'));
    const target = volume.target ?? preset.dataPath;
    if (target === undefined) {
      issues.push(invalid(at('target'), `missing required field "target" (engine ${spec.engine ?? 'generic'} has no data path)`));
      return;
    }
    const first = targets.get(target);
    if (first !== undefined) issues.push(invalid(at('target'), `${target} is already mounted by spec.volumes[${first}]`));
    else targets.set(target, index);
  });
  return issues;
};

/**
 * ogc.url is probed by Kargo and shown in its status and logs: it must parse, and it may not hold
 * credentials (a password in a URL would be shown wherever the URL is).
 */
const ogcRules: Rule = (spec) => {
  const url = spec.ogc?.url;
  if (url === undefined) return [];
  const at: FieldPath = ['spec', 'ogc', 'url'];
  if (!URL.canParse(url)) return [invalid(at, 'is not a URL Kargo can request (check the host and port)')];
  const parsed = new URL(url);
  if (parsed.username !== '' || parsed.password !== '') {
    return [invalid(at, 'must not hold a user or password: Kargo shows this URL in its status and logs; probe a URL that needs no login')];
  }
  return [];
};

const healthCheckRules: Rule = (spec) => {
  const check = spec.healthCheck;
  if (check === undefined) return [];
  const at = (field: string): FieldPath => ['spec', 'healthCheck', field];
  const probe = check.command !== undefined ? 'command' : check.httpPath !== undefined ? 'httpPath' : check.disable === true ? 'disable' : undefined;
  if (spec.ogc !== undefined && probe !== undefined) {
    return [invalid(at(probe), `healthCheck.${probe} cannot be combined with spec.ogc: the OGC check is the task's health check (keep healthCheck for its timings only)`)];
  }
  if (check.disable === true) {
    const others = Object.keys(check).filter((field) => field !== 'disable');
    return others.length > 0 ? [invalid(at(others[0] ?? 'disable'), 'disable: true cannot be combined with other health check fields')] : [];
  }
  if (check.command !== undefined && check.httpPath !== undefined) {
    return [invalid(at('httpPath'), 'set either command or httpPath, not both')];
  }
  const port = check.port ?? presetOf(spec).port ?? spec.ports?.[0]?.target;
  if (check.httpPath !== undefined && port === undefined) {
    return [invalid(at('port'), `missing field "port": engine ${spec.engine ?? 'generic'} has no default port and spec.ports has no target`)];
  }
  return [];
};

const labelRules: Rule = (spec) => reservedLabelIssues(spec.labels);

function reservedLabelIssues(labels: Readonly<Record<string, string>> | undefined): SemanticIssue[] {
  return Object.keys(labels ?? {})
    .filter((label) => reservedLabelPrefixes.some((prefix) => label.startsWith(prefix)))
    .map((label) => invalid(['spec', 'labels', label], `label ${label} is reserved: Kargo sets ${reservedLabelPrefixes.join('* and ')}* itself`));
}

/** The rules one schema-valid Network must also keep. */
export function checkNetwork(resource: Network): SemanticIssue[] {
  const gatewayOutsideRange = (resource.spec?.ipam?.config ?? []).flatMap((config, index) =>
    config.gateway !== undefined && config.gateway.includes(':') !== config.subnet.includes(':')
      ? [invalid(['spec', 'ipam', 'config', index, 'gateway'], `gateway ${config.gateway} is not of the same address family as subnet ${config.subnet}`)]
      : [],
  );
  return [...reservedLabelIssues(resource.spec?.labels), ...gatewayOutsideRange];
}

const envRules: Rule = (spec) => {
  const env = spec.env;
  if (env === undefined) return [];
  if (!Array.isArray(env)) {
    return Object.keys(env)
      .filter((name) => name.includes('=') || name === '')
      .map((name) => invalid(['spec', 'env', name], `"${name}" is not a valid variable name`));
  }
  const seen = new Set<string>();
  const issues: SemanticIssue[] = [];
  env.forEach((variable, index) => {
    if (seen.has(variable.name)) issues.push(invalid(['spec', 'env', index, 'name'], `${variable.name} is set twice`));
    seen.add(variable.name);
  });
  return issues;
};

const resourceRules: Rule = (spec) => {
  const { limits, reservations } = spec.resources ?? {};
  const issues: SemanticIssue[] = [];
  const cpus = (value: number | string | undefined): number | undefined => (value === undefined ? undefined : parseCpus(value));
  const memory = (value: string | undefined): number | undefined => (value === undefined ? undefined : parseSize(value));
  const over = (limit: number | undefined, reservation: number | undefined): boolean =>
    limit !== undefined && reservation !== undefined && reservation > limit;
  if (over(cpus(limits?.cpus), cpus(reservations?.cpus))) {
    issues.push(invalid(['spec', 'resources', 'reservations', 'cpus'], 'the CPU reservation is above the CPU limit'));
  }
  if (over(memory(limits?.memory), memory(reservations?.memory))) {
    issues.push(invalid(['spec', 'resources', 'reservations', 'memory'], 'the memory reservation is above the memory limit'));
  }
  return issues;
};

/** Published ports of a spec as `port/protocol` with the index of the port entry, ingress or host. */
export function publishedPorts(spec: GeoServiceSpec): { id: string; index: number; host: boolean }[] {
  return (spec.ports ?? []).flatMap((port, index) =>
    port.published === undefined
      ? []
      : [{ id: `${String(port.published)}/${port.protocol ?? 'tcp'}`, index, host: port.mode === 'host' }],
  );
}
