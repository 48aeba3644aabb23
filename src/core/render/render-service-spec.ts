import { createHash } from 'node:crypto';
import { presetOf } from '../manifest/engine-presets.js';
import type { GeoServiceSpec, ResourceAmountsSpec, UpdatePolicySpec, VolumeSpec } from '../manifest/geoservice.generated.js';
import type { LoadedManifest } from '../manifest/manifest-set.js';
import { parseCpus, parseDuration, parseSize } from '../manifest/units.js';
import type { EndpointSpec, Mount, ResourceObject, ServiceSpec, TaskSpec, UpdateConfig } from '../swarm/engine-api.js';
import { optionalField as optional } from '../optional-field.js';
import { canonicalJson, compareCodePoints, sortKeys } from './canonical-json.js';
import { renderFileMounts, type FileMounts } from './file-objects.js';
import { mergeHealthCheck, renderHealthCheck } from './health-check.js';
import { ogcEndpointOf } from '../ogc/ogc-endpoint.js';
import { ogcTaskProbe } from '../ogc/ogc-task-probe.js';
import { networkAttachments } from './network-attachments.js';
import { managedByKargo, ownershipLabels, provenanceLabels } from './ownership.js';
import { swarmNameOf } from '../object-key.js';

/** What rendering needs besides the manifest. */
export interface RenderContext {
  /** The source revision the manifest was read at (git commit or content hash). */
  readonly revision: string;
  /** The manifest's file, relative to the manifests root. */
  readonly sourceFile: string;
  /** Its configs and secrets, rendered from the files the loader read (default: from the manifest alone). */
  readonly fileMounts?: FileMounts;
}

type Resource = LoadedManifest['resource'];

/**
 * The Swarm ServiceSpec (Engine API 1.41+) for a GeoService: the engine preset first, the
 * manifest's fields over it, Kargo's ownership labels on top. Deterministic: the same manifest
 * renders the same spec, byte for byte, and the same `io.kargo.spec-hash`.
 */
export function renderServiceSpec(resource: Resource, context: RenderContext): ServiceSpec {
  const { namespace, name } = resource.metadata;
  const spec = resource.spec;
  const unhashed: ServiceSpec = {
    Name: swarmNameOf({ namespace, name }),
    Labels: sortKeys({
      ...spec.labels,
      [ownershipLabels.managedBy]: managedByKargo,
      [ownershipLabels.geoService]: `${namespace}/${name}`,
      [ownershipLabels.stackNamespace]: namespace,
    }),
    TaskTemplate: renderTaskTemplate(spec, namespace, name, context.fileMounts ?? renderFileMounts(resource)),
    Mode: spec.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: spec.replicas ?? 1 } },
    ...optional('UpdateConfig', renderUpdatePolicy(updatePolicyOf(spec))),
    ...optional('RollbackConfig', renderUpdatePolicy(spec.rollback)),
    ...optional('EndpointSpec', renderEndpoint(spec)),
  };
  return withLabels(unhashed, {
    [ownershipLabels.specHash]: specHash(unhashed),
    [ownershipLabels.revision]: context.revision,
    [ownershipLabels.source]: context.sourceFile,
  });
}

/** sha256 of the canonical JSON of a spec, provenance labels left out: equal specs, equal hashes. */
export function specHash(spec: { readonly Labels?: Record<string, string> }): string {
  const labels = Object.fromEntries(Object.entries(spec.Labels ?? {}).filter(([label]) => !provenanceLabels.includes(label)));
  return createHash('sha256').update(canonicalJson({ ...spec, Labels: labels })).digest('hex');
}

function renderTaskTemplate(spec: GeoServiceSpec, namespace: string, name: string, files: FileMounts): TaskSpec {
  const preset = presetOf(spec);
  const ogc = ogcEndpointOf(spec);
  const healthCheck = renderHealthCheck(mergeHealthCheck(preset, spec.healthCheck), preset.port ?? spec.ports?.[0]?.target, ogc === undefined ? undefined : ogcTaskProbe(ogc));
  const resources = {
    ...optional('Limits', renderResources(spec.resources?.limits)),
    ...optional('Reservations', renderResources(spec.resources?.reservations)),
  };
  const placement = {
    ...optional('Constraints', spec.placement?.constraints?.map((constraint) => constraint.trim())),
    ...optional('Preferences', spec.placement?.preferences?.map((p) => ({ Spread: { SpreadDescriptor: p.spread } }))),
    ...optional('MaxReplicas', spec.placement?.maxReplicasPerNode),
  };
  return {
    ContainerSpec: {
      Image: spec.image,
      Labels: sortKeys({ ...spec.containerLabels, [ownershipLabels.stackNamespace]: namespace }),
      ...optional('Command', spec.command),
      ...optional('Args', spec.args),
      ...optional('Env', renderEnv(spec.env)),
      ...optional('Dir', spec.workingDir),
      ...optional('User', spec.user),
      ...optional('Mounts', spec.volumes?.map((volume) => renderMount(volume, preset.dataPath))),
      ...optional('Configs', files.configs.length > 0 ? files.configs : undefined),
      ...optional('Secrets', files.secrets.length > 0 ? files.secrets : undefined),
      ...optional('StopGracePeriod', duration(spec.stopGracePeriod)),
      ...optional('StopSignal', spec.stopSignal ?? preset.stopSignal),
      ...optional('Healthcheck', healthCheck),
    },
    ...optional('Resources', Object.keys(resources).length > 0 ? resources : undefined),
    ...optional('RestartPolicy', renderRestartPolicy(spec.restart)),
    ...optional('Placement', Object.keys(placement).length > 0 ? placement : undefined),
    Networks: networkAttachments(spec.networks, namespace, name),
  };
}

/** `NAME=value` lines sorted by name, so that the order a manifest lists them in never matters. */
function renderEnv(env: GeoServiceSpec['env']): string[] | undefined {
  if (env === undefined) return undefined;
  const pairs = Array.isArray(env) ? env.map((v) => [v.name, v.value] as const) : Object.entries(env);
  return pairs
    .map(([name, value]) => `${name}=${String(value)}`)
    .sort(compareCodePoints);
}

function renderMount(volume: VolumeSpec, dataPath: string | undefined): Mount {
  const size = volume.size === undefined ? undefined : parseSize(volume.size);
  return {
    Type: volume.type,
    ...optional('Source', volume.source),
    Target: volume.target ?? dataPath ?? '',
    ...optional('ReadOnly', volume.readOnly === true ? true : undefined),
    ...optional('TmpfsOptions', size === undefined ? undefined : { SizeBytes: size }),
  };
}

function renderResources(amounts: ResourceAmountsSpec | undefined): ResourceObject | undefined {
  if (amounts === undefined) return undefined;
  const object = {
    ...optional('NanoCPUs', amounts.cpus === undefined ? undefined : parseCpus(amounts.cpus)),
    ...optional('MemoryBytes', amounts.memory === undefined ? undefined : parseSize(amounts.memory)),
  };
  return Object.keys(object).length > 0 ? object : undefined;
}

function renderRestartPolicy(restart: GeoServiceSpec['restart']): TaskSpec['RestartPolicy'] {
  if (restart === undefined) return undefined;
  return {
    ...optional('Condition', restart.condition),
    ...optional('Delay', duration(restart.delay)),
    ...optional('MaxAttempts', restart.maxAttempts),
    ...optional('Window', duration(restart.window)),
  };
}

/**
 * With an OGC check, a failed update is rolled back unless the manifest says otherwise: Swarm's
 * default (pause) would leave a version whose answers are broken in place of the working one.
 */
function updatePolicyOf(spec: GeoServiceSpec): UpdatePolicySpec | undefined {
  if (spec.ogc === undefined || spec.update?.failureAction !== undefined) return spec.update;
  return { ...spec.update, failureAction: 'rollback' };
}

function renderUpdatePolicy(policy: UpdatePolicySpec | undefined): UpdateConfig | undefined {
  if (policy === undefined) return undefined;
  return {
    // Swarm reads a policy without Parallelism as 0, all tasks at once; left out, it means 1 here as in the docker CLI.
    Parallelism: policy.parallelism ?? 1,
    ...optional('Delay', duration(policy.delay)),
    ...optional('FailureAction', policy.failureAction),
    ...optional('Monitor', duration(policy.monitor)),
    ...optional('MaxFailureRatio', policy.maxFailureRatio),
    ...optional('Order', policy.order),
  };
}

function renderEndpoint(spec: GeoServiceSpec): EndpointSpec | undefined {
  if (spec.ports === undefined || spec.ports.length === 0) return undefined;
  const defaultPort = presetOf(spec).port;
  return {
    Mode: 'vip',
    Ports: spec.ports.map((port) => ({
      Protocol: port.protocol ?? 'tcp',
      TargetPort: port.target ?? defaultPort ?? 0,
      ...optional('PublishedPort', port.published),
      PublishMode: port.mode ?? 'ingress',
    })),
  };
}

function duration(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value);
}

function withLabels(spec: ServiceSpec, labels: Record<string, string>): ServiceSpec {
  return { ...spec, Labels: sortKeys({ ...spec.Labels, ...labels }) };
}
