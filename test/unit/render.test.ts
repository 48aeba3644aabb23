import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import type { LoadedManifest } from '../../src/core/manifest/manifest-set.js';
import { renderServiceSpec, specHash } from '../../src/core/render/render-service-spec.js';
import { ownershipLabels } from '../../src/core/render/ownership.js';
import type { ServiceSpec } from '../../src/core/swarm/engine-api.js';
import type { PolicyContext } from '../../src/core/policy/policy.js';

const validate = manifestValidators;
const context = { revision: 'abc123', sourceFile: 'geo/web.yaml' };
/** Rendering is under test, not the policy: the host network is allowed here. */
const hostAllowed: PolicyContext = { policy: { origin: 'test', defaults: { networks: { host: true } }, namespaces: new Map() } };

function load(spec: string, metadata = 'name: web\n  namespace: geo'): LoadedManifest['resource'] {
  const text = `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata:\n  ${metadata}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
  const set = parseManifests([{ path: 'm.yaml', text }], validate, undefined, hostAllowed);
  const [manifest] = set.manifests;
  if (manifest === undefined) throw new Error(`invalid: ${JSON.stringify(set.problems)}`);
  return manifest.resource;
}

function render(spec: string): ServiceSpec {
  return renderServiceSpec(load(spec), context);
}

const container = (spec: ServiceSpec) => spec.TaskTemplate?.ContainerSpec;

describe('renderServiceSpec', () => {
  it.each<[string, string, (spec: ServiceSpec) => unknown, unknown]>([
    ['names the service <namespace>_<name>', 'image: x', (s) => s.Name, 'geo_web'],
    ['maps image', 'image: osgeo/gdal:3.9', (s) => container(s)?.Image, 'osgeo/gdal:3.9'],
    ['maps command and args', 'image: x\ncommand: [sh, -c]\nargs: [echo hi]', (s) => [container(s)?.Command, container(s)?.Args], [['sh', '-c'], ['echo hi']]],
    ['sorts an env map by name', 'image: x\nenv: { B: 2, A: "1", C: true }', (s) => container(s)?.Env, ['A=1', 'B=2', 'C=true']],
    ['sorts an env list by name', 'image: x\nenv: [{ name: B, value: 2 }, { name: A, value: x }]', (s) => container(s)?.Env, ['A=x', 'B=2']],
    ['defaults to one replica', 'image: x', (s) => s.Mode, { Replicated: { Replicas: 1 } }],
    ['keeps zero replicas', 'image: x\nreplicas: 0', (s) => s.Mode, { Replicated: { Replicas: 0 } }],
    ['maps global mode', 'image: x\nmode: global', (s) => s.Mode, { Global: {} }],
    ['maps ports with Swarm defaults', 'image: x\nports: [{ target: 80, published: 8080 }, { target: 53, protocol: udp, mode: host }]', (s) => s.EndpointSpec, { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' }, { Protocol: 'udp', TargetPort: 53, PublishMode: 'host' }] }],
    ['maps networks with aliases, the service name among them', 'image: x\nnetworks: [default, { name: back, external: true, aliases: [db] }, { name: host, external: true }]', (s) => s.TaskTemplate?.Networks, [{ Target: 'back', Aliases: ['db', 'web'] }, { Target: 'geo_default', Aliases: ['web'] }, { Target: 'host' }]],
    ['joins the namespace default network when it names none', 'image: x', (s) => s.TaskTemplate?.Networks, [{ Target: 'geo_default', Aliases: ['web'] }]],
    ['maps volume, bind and tmpfs mounts', 'image: x\nvolumes:\n  - { type: volume, source: data, target: /data }\n  - { type: bind, source: /srv, target: /srv, readOnly: true }\n  - { type: tmpfs, target: /tmp, size: 64M }', (s) => container(s)?.Mounts, [{ Type: 'volume', Source: 'data', Target: '/data' }, { Type: 'bind', Source: '/srv', Target: '/srv', ReadOnly: true }, { Type: 'tmpfs', Target: '/tmp', TmpfsOptions: { SizeBytes: 64 * 1024 ** 2 } }]],
    ['converts resources to nano-CPUs and bytes', 'image: x\nresources: { limits: { cpus: 1.5, memory: 512M }, reservations: { cpus: "0.25", memory: 0.25G } }', (s) => s.TaskTemplate?.Resources, { Limits: { NanoCPUs: 1.5e9, MemoryBytes: 512 * 1024 ** 2 }, Reservations: { NanoCPUs: 0.25e9, MemoryBytes: 256 * 1024 ** 2 } }],
    ['maps placement', 'image: x\nplacement: { constraints: [" node.role == manager "], preferences: [{ spread: node.labels.zone }], maxReplicasPerNode: 2 }', (s) => s.TaskTemplate?.Placement, { Constraints: ['node.role == manager'], Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }], MaxReplicas: 2 }],
    ['maps a shell health command', 'image: x\nhealthCheck: { command: "pg_isready", interval: 10s, timeout: 2s, retries: 4, startPeriod: 1m }', (s) => container(s)?.Healthcheck, { Test: ['CMD-SHELL', 'pg_isready'], Interval: 10e9, Timeout: 2e9, StartPeriod: 60e9, Retries: 4 }],
    ['maps an exec health command', 'image: x\nhealthCheck: { command: [curl, -f, localhost] }', (s) => container(s)?.Healthcheck, { Test: ['CMD', 'curl', '-f', 'localhost'] }],
    ['probes an HTTP path on the first target port', 'image: x\nports: [{ target: 9000 }]\nhealthCheck: { httpPath: "/it\'s" }', (s) => container(s)?.Healthcheck?.Test, ['CMD-SHELL', `wget -q -O /dev/null 'http://127.0.0.1:9000/it'\\''s' || curl -fsS -o /dev/null 'http://127.0.0.1:9000/it'\\''s' || exit 1`]],
    ['disables the health check', 'image: x\nengine: geoserver\nhealthCheck: { disable: true }', (s) => container(s)?.Healthcheck, { Test: ['NONE'] }],
    ['maps update and rollback policies', 'image: x\nupdate: { parallelism: 2, delay: 10s, order: start-first, failureAction: rollback, monitor: 1m, maxFailureRatio: 0.2 }\nrollback: { parallelism: 0 }', (s) => [s.UpdateConfig, s.RollbackConfig], [{ Parallelism: 2, Delay: 10e9, Order: 'start-first', FailureAction: 'rollback', Monitor: 60e9, MaxFailureRatio: 0.2 }, { Parallelism: 0 }]],
    ['maps the restart policy', 'image: x\nrestart: { condition: on-failure, delay: 5s, maxAttempts: 3, window: 2m }', (s) => s.TaskTemplate?.RestartPolicy, { Condition: 'on-failure', Delay: 5e9, MaxAttempts: 3, Window: 120e9 }],
    ['maps user, working dir and stop grace period', 'image: x\nuser: "1000:1000"\nworkingDir: /app\nstopGracePeriod: 1m30s', (s) => [container(s)?.User, container(s)?.Dir, container(s)?.StopGracePeriod], ['1000:1000', '/app', 90e9]],
    ['maps the stop signal', 'image: x\nstopSignal: SIGQUIT', (s) => container(s)?.StopSignal, 'SIGQUIT'],
    ['leaves the stop signal to the image without one', 'image: x', (s) => Object.keys(container(s) ?? {}).includes('StopSignal'), false],
    ['puts the stack namespace on container labels', 'image: x\ncontainerLabels: { app: web }', (s) => container(s)?.Labels, { app: 'web', 'com.docker.stack.namespace': 'geo' }],
    ['adds ownership labels to service labels', 'image: x\nlabels: { team: maps }', (s) => ({ ...s.Labels, [ownershipLabels.specHash]: 'hash' }), { team: 'maps', 'com.docker.stack.namespace': 'geo', 'io.kargo.geoservice': 'geo/web', 'io.kargo.managed-by': 'kargo', 'io.kargo.revision': 'abc123', 'io.kargo.source': 'geo/web.yaml', 'io.kargo.spec-hash': 'hash' }],
  ])('%s', (_what, spec, pick, expected) => {
    expect(pick(render(spec))).toEqual(expected);
  });
});

describe('engine presets', () => {
  it.each<[string, string, (spec: ServiceSpec) => unknown, unknown]>([
    ['geoserver: data volume target', 'engine: geoserver\nimage: x\nvolumes: [{ type: volume, source: gs }]', (s) => container(s)?.Mounts?.[0]?.Target, '/opt/geoserver/data_dir'],
    ['geoserver: port target', 'engine: geoserver\nimage: x\nports: [{ published: 80 }]', (s) => s.EndpointSpec?.Ports?.[0]?.TargetPort, 8080],
    ['geoserver: HTTP health check with timings', 'engine: geoserver\nimage: x', (s) => container(s)?.Healthcheck?.StartPeriod, 120e9],
    ['postgis: pg_isready over TCP as POSTGRES_USER', 'engine: postgis\nimage: x', (s) => container(s)?.Healthcheck?.Test, ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}"']],
    ['tileserver-gl: /health on 8080, probed by Node.js (the image has no wget or curl)', 'engine: tileserver-gl\nimage: x', (s) => container(s)?.Healthcheck?.Test?.[1]?.startsWith(`node -e "require('http').get('http://127.0.0.1:8080/health'`), true],
    ['krawler: /healthcheck on 3030, probed by Node.js', 'engine: krawler\nimage: x', (s) => container(s)?.Healthcheck?.Test?.[1]?.startsWith(`node -e "require('http').get('http://127.0.0.1:3030/healthcheck'`), true],
    ['mapserver: port 80', 'engine: mapserver\nimage: x\nports: [{ published: 81 }]', (s) => s.EndpointSpec?.Ports?.[0]?.TargetPort, 80],
    ['mapcache: WMTS GetCapabilities of the CGI', 'engine: mapcache\nimage: x', (s) => container(s)?.Healthcheck?.Test?.[1]?.includes("'http://127.0.0.1:80/cgi-bin/mapcache/wmts?SERVICE=WMTS&REQUEST=GetCapabilities'"), true],
    ['mapserver: the index page', 'engine: mapserver\nimage: x', (s) => container(s)?.Healthcheck?.Test?.[1]?.includes("'http://127.0.0.1:80/'"), true],
    ['postgis: SIGINT, PostgreSQL\'s fast shutdown', 'engine: postgis\nimage: x', (s) => container(s)?.StopSignal, 'SIGINT'],
    ['a manifest stop signal wins over the preset\'s', 'engine: postgis\nimage: x\nstopSignal: SIGTERM', (s) => container(s)?.StopSignal, 'SIGTERM'],
    ['generic: no health check', 'image: x', (s) => container(s)?.Healthcheck, undefined],
    ['a manifest probe replaces the preset probe but keeps its timings', 'engine: geoserver\nimage: x\nhealthCheck: { command: "true", retries: 9 }', (s) => container(s)?.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 30e9, Timeout: 10e9, StartPeriod: 120e9, Retries: 9 }],
    ['a manifest timing overrides the preset timing', 'engine: geoserver\nimage: x\nhealthCheck: { startPeriod: 5m }', (s) => container(s)?.Healthcheck?.StartPeriod, 300e9],
    ['an explicit target wins over the preset data path', 'engine: geoserver\nimage: x\nvolumes: [{ type: volume, source: gs, target: /data }]', (s) => container(s)?.Mounts?.[0]?.Target, '/data'],
  ])('%s', (_what, spec, pick, expected) => {
    expect(pick(render(spec))).toEqual(expected);
  });
});

describe('io.kargo.spec-hash', () => {
  const hashOf = (spec: string): string | undefined => render(spec).Labels?.[ownershipLabels.specHash];

  it('is the hash of the spec without provenance labels', () => {
    const spec = render('image: x');
    expect(spec.Labels?.[ownershipLabels.specHash]).toBe(specHash(spec));
  });

  it.each([
    ['env order', 'image: x\nenv: { A: 1, B: 2 }', 'image: x\nenv: { B: 2, A: 1 }'],
    ['env map versus list', 'image: x\nenv: { A: 1 }', 'image: x\nenv: [{ name: A, value: 1 }]'],
    ['key order', 'image: x\nreplicas: 2\nuser: u', 'user: u\nreplicas: 2\nimage: x'],
    ['an explicit default', 'image: x', 'image: x\nreplicas: 1'],
  ])('does not change with %s', (_what, a, b) => {
    expect(hashOf(a)).toBe(hashOf(b));
  });

  it('does not change with the revision or the source file', () => {
    const resource = load('image: x');
    const a = renderServiceSpec(resource, context).Labels?.[ownershipLabels.specHash];
    const b = renderServiceSpec(resource, { revision: 'other', sourceFile: 'moved.yaml' }).Labels?.[ownershipLabels.specHash];
    expect(a).toBe(b);
  });

  it('changes when a field changes', () => {
    expect(hashOf('image: x\nreplicas: 2')).not.toBe(hashOf('image: x\nreplicas: 3'));
  });
});
