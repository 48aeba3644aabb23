/** The policy evaluator: every baseline rule, paths compared by component, per-namespace rules, unreviewed fields. */
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import type { ManifestProblem } from '../../src/core/manifest/manifest-set.js';
import type { GeoService } from '../../src/core/manifest/geoservice.generated.js';
import { checkPolicy, fullImageName, isRootUser } from '../../src/core/policy/policy-rules.js';
import { baselineContext, type Policy, type PolicyContext, type RulesOverride } from '../../src/core/policy/policy.js';
import { exposes, normalisePath } from '../../src/core/policy/host-paths.js';
import { taskOfContainer } from '../../src/core/policy/self-service.js';
import type { Task } from '../../src/core/swarm/engine-api.js';

function geoService(spec: string, namespace = 'geo', metadata = ''): string {
  const image = /^image:/m.test(spec) ? '' : 'image: nginx:1\n';
  return `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata:\n  name: web\n  namespace: ${namespace}\n${metadata}spec:\n${`${image}${spec}`.replace(/^/gm, '  ')}\n`;
}

function problemsOf(text: string, context: PolicyContext = baselineContext): ManifestProblem[] {
  return parseManifests([{ path: 'm.yaml', text }], manifestValidators, undefined, context).problems;
}

/** The rules broken, as `rule@field`. */
function denials(text: string, context?: PolicyContext): string[] {
  return problemsOf(text, context).map((problem) => `${problem.rule ?? problem.code}@${problem.field}`);
}

function withPolicy(defaults: RulesOverride, namespaces: Record<string, RulesOverride> = {}, extra: Partial<Policy> = {}): PolicyContext {
  return { policy: { origin: 'policy p.yaml', defaults, namespaces: new Map(Object.entries(namespaces)), ...extra } };
}

const bind = (source: string, readOnly = false): string => `volumes: [{ type: bind, source: "${source}", target: /data${readOnly ? ', readOnly: true' : ''} }]`;

describe('the baseline', () => {
  it.each([
    ['/', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/var/run/docker.sock', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/run/docker.sock', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/var/run', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/var', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/var/lib/docker/volumes/x', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/run/containerd/containerd.sock', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/etc', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/etc/ssl/certs', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/proc', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/sys/fs/cgroup', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/dev', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/root/.ssh', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/boot', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/srv/geodata/../../etc', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/etc/../var/run/docker.sock', 'binds.deniedPaths@spec.volumes[0].source'],
    ['//var//run/./docker.sock/', 'binds.deniedPaths@spec.volumes[0].source'],
    ['/../../', 'binds.deniedPaths@spec.volumes[0].source'],
  ])('denies a bind of %s', (source, denial) => {
    expect(denials(geoService(bind(source)))).toEqual([denial]);
  });

  it.each(['/srv/geodata', '/etcetera', '/var/log/app', '/home/geo', '/devices', '/opt/etc'])('allows a bind of %s', (source) => {
    expect(denials(geoService(bind(source)))).toEqual([]);
  });

  it('names the file, line, field, rule and origin of a denial', () => {
    const [problem] = problemsOf(geoService(bind('/var/run/docker.sock')));
    expect(problem).toMatchObject({ file: 'm.yaml', line: 8, code: 'policy-denied', field: 'spec.volumes[0].source', key: 'geo/web', rule: 'binds.deniedPaths' });
    expect(problem?.message).toBe('bind of host path /var/run/docker.sock exposes /var/run/docker.sock: denied by policy rule binds.deniedPaths (built-in baseline)');
  });

  it('denies the host network, and no other', () => {
    expect(denials(geoService('networks: [{ name: host, external: true }, { name: traefik-public, external: true }, default]'))).toEqual(['networks.host@spec.networks[0]']);
  });

  it('denies a Network of the host driver, and allows overlay ones', () => {
    const network = (driver: string): string => `apiVersion: kargo.io/v1alpha1\nkind: Network\nmetadata: { name: n, namespace: geo }\nspec: { driver: ${driver}, attachable: true }\n`;
    expect(denials(network('host'))).toEqual(['networks.host@spec.driver']);
    expect(denials(network('overlay'))).toEqual([]);
  });

  it('denies adoption: the annotation alone is never enough', () => {
    expect(denials(geoService('', 'geo', '  annotations: { kargo.io/adopt: "true" }\n'))).toEqual(['adopt@metadata.annotations.kargo.io/adopt']);
  });

  it("allows the image's default user, any image, any port and host mode, and managers", () => {
    expect(denials(geoService('ports: [{ target: 80, published: 80, mode: host }]\nplacement: { constraints: [node.role == manager] }'))).toEqual([]);
    expect(denials(geoService('user: "1000:0"'))).toEqual([]);
  });

  it.each(['0', 'root', '0:0'])('denies a manifest asking for root: user "%s"', (user) => {
    expect(denials(geoService(`user: "${user}"`))).toEqual(['runAsRoot@spec.user']);
    expect(denials(geoService(`user: "${user}"`), withPolicy({ runAsRoot: true }))).toEqual([]);
  });

  it('reports every broken rule of a hostile manifest at once', () => {
    const hostile = geoService(`user: "0"\nnetworks: [{ name: host, external: true }]\nvolumes:\n  - { type: bind, source: /, target: /host }\n  - { type: bind, source: /var/run/docker.sock, target: /var/run/docker.sock }`);
    expect(denials(hostile)).toEqual(['runAsRoot@spec.user', 'networks.host@spec.networks[0]', 'binds.deniedPaths@spec.volumes[0].source', 'binds.deniedPaths@spec.volumes[1].source']);
  });
});

describe('a policy file', () => {
  const strict = withPolicy({
    images: { allowed: ['registry.example.org/**'], requireDigest: true },
    binds: { allowedPrefixes: ['/srv/geodata'], readOnly: true },
    runAsRoot: false,
    networks: { external: ['traefik-*'] },
    ports: { published: [{ from: 8000, to: 8099 }], hostMode: false },
    placement: { managers: false },
    externalSecrets: ['geo-*'],
  });
  const digest = `@sha256:${'a'.repeat(64)}`;
  const good = `image: registry.example.org/geo/wms:1${digest}\nuser: "1000:1000"\nplacement: { constraints: ["node.role==worker"] }`;

  it('lets a manifest within every rule through', () => {
    expect(denials(geoService(`${good}\n${bind('/srv/geodata/wms', true)}\nports: [{ target: 80, published: 8080 }]\nnetworks: [{ name: traefik-public, external: true }]`), strict)).toEqual([]);
  });

  it.each([
    ['an image outside the patterns', `image: docker.io/evil/miner:1${digest}`, ['images.allowed@spec.image']],
    ['an image without digest', 'image: registry.example.org/geo/wms:1', ['images.requireDigest@spec.image']],
    ['a bind outside the prefixes', bind('/srv/other', true), ['binds.allowedPrefixes@spec.volumes[0].source']],
    ['a bind climbing out of a prefix', bind('/srv/geodata/../other', true), ['binds.allowedPrefixes@spec.volumes[0].source']],
    ['a bind sharing only the prefix text', bind('/srv/geodata2', true), ['binds.allowedPrefixes@spec.volumes[0].source']],
    ['a writable bind', bind('/srv/geodata'), ['binds.readOnly@spec.volumes[0].readOnly']],
    ['an external network outside the patterns', 'networks: [{ name: ingress-other, external: true }]', ['networks.external@spec.networks[0]']],
    ['an external secret outside the patterns', 'secrets: [{ external: geo-db-password }, { external: billing-db-password }]', ['externalSecrets@spec.secrets[1].external']],
    ['a port outside the ranges', 'ports: [{ target: 80, published: 80 }]', ['ports.published@spec.ports[0].published']],
    ['a port Swarm picks', 'ports: [{ target: 80 }]', ['ports.published@spec.ports[0]']],
    ['host mode', 'ports: [{ target: 80, published: 8001, mode: host }]', ['ports.hostMode@spec.ports[0].mode']],
  ])('denies %s', (_what, extra, expected) => {
    const spec = extra.startsWith('image:') ? `${extra}\nuser: "1000"\nplacement: { constraints: ["node.role != manager"] }` : `${good}\n${extra}`;
    expect(denials(geoService(spec), strict)).toEqual(expected);
  });

  it.each([
    ['0', true], ['root', true], ['0:0', true], ['000:1000', true], ['root:staff', true],
    ['1000', false], ['1000:0', false], ['nobody', false], ['10', false],
  ])('reads user "%s" as root: %s', (user, root) => {
    expect(isRootUser(user)).toBe(root);
  });

  it('denies root, and no user at all (the image default may be root), when root is not allowed', () => {
    const noRoot = withPolicy({ runAsRoot: false });
    expect(denials(geoService('user: root'), noRoot)).toEqual(['runAsRoot@spec.user']);
    expect(denials(geoService(''), noRoot)).toEqual(['runAsRoot@spec.user']);
    expect(denials(geoService('user: "1000"'), noRoot)).toEqual([]);
  });

  it('denies manager placement unless constrained to workers', () => {
    const noManagers = withPolicy({ placement: { managers: false } });
    expect(denials(geoService('placement: { constraints: [node.role == manager] }'), noManagers)).toEqual(['placement.managers@spec.placement.constraints']);
    expect(denials(geoService(''), noManagers)).toEqual(['placement.managers@spec.placement.constraints']);
    expect(denials(geoService('placement: { constraints: [node.role == worker] }'), noManagers)).toEqual([]);
  });

  it('matches images as written and as the engine reads them', () => {
    expect([fullImageName('nginx:1'), fullImageName('osgeo/gdal'), fullImageName('localhost:5000/x'), fullImageName('ghcr.io/a/b')]).toEqual(['docker.io/library/nginx:1', 'docker.io/osgeo/gdal', 'localhost:5000/x', 'ghcr.io/a/b']);
    const hub = withPolicy({ images: { allowed: ['docker.io/library/*'] } });
    expect(denials(geoService(''), hub)).toEqual([]);
    expect(denials(geoService('image: osgeo/gdal:1'), hub)).toEqual(['images.allowed@spec.image']);
  });

  it('loosens one namespace and tightens another over the defaults', () => {
    const policy = withPolicy({ binds: { allowedPrefixes: ['/srv'] } }, {
      ops: { binds: { deniedPaths: ['/etc', '/root'], allowedPrefixes: ['/var/run/docker.sock', '/srv'] }, networks: { host: true }, adopt: ['ops_legacy-*'] },
      tiles: { binds: { allowedPrefixes: [] } },
    });
    expect(denials(geoService(bind('/var/run/docker.sock'), 'ops'), policy)).toEqual([]);
    expect(denials(geoService('networks: [{ name: host, external: true }]', 'ops'), policy)).toEqual([]);
    expect(denials(geoService(bind('/var/run/docker.sock'), 'geo'), policy)).toEqual(['binds.deniedPaths@spec.volumes[0].source']);
    expect(denials(geoService(bind('/srv/tiles'), 'tiles'), policy)).toEqual(['binds.allowedPrefixes@spec.volumes[0].source']);
    expect(denials(geoService(bind('/srv/tiles'), 'geo'), policy)).toEqual([]);
    expect(denials(geoService('', 'ops', '  annotations: { kargo.io/adopt: "true" }\n').replace('name: web', 'name: legacy-wms'), policy)).toEqual([]);
    expect(denials(geoService('', 'geo', '  annotations: { kargo.io/adopt: "true" }\n').replace('name: web', 'name: legacy-wms'), policy)).toEqual(['adopt@metadata.annotations.kargo.io/adopt']);
  });

  it('denies namespaces it does not allow, Networks too', () => {
    const policy = withPolicy({}, {}, { allowedNamespaces: ['geo', 'team-*'] });
    expect(denials(geoService('', 'team-a'), policy)).toEqual([]);
    expect(denials(geoService('', 'ops'), policy)).toEqual(['allowedNamespaces@metadata.namespace']);
    expect(denials('apiVersion: kargo.io/v1alpha1\nkind: Network\nmetadata: { name: n, namespace: ops }\n', policy)).toEqual(['allowedNamespaces@metadata.namespace']);
  });

  it('restricts Network drivers', () => {
    const policy = withPolicy({ networks: { drivers: ['overlay'] } });
    expect(denials('apiVersion: kargo.io/v1alpha1\nkind: Network\nmetadata: { name: n, namespace: geo }\nspec: { driver: macvlan }\n', policy)).toEqual(['networks.drivers@spec.driver']);
  });
});

describe("Kargo's own service", () => {
  it('is a problem for any manifest that targets it', () => {
    const context: PolicyContext = { ...baselineContext, selfService: 'kargo_kargo' };
    expect(denials(geoService('', 'kargo').replace('name: web', 'name: kargo'), context)).toEqual(['selfService@metadata.name']);
    expect(denials(geoService('', 'kargo'), context)).toEqual([]);
  });
});

describe('fields the policy has not reviewed', () => {
  it('are denied, at any depth of a reviewed table', () => {
    const resource = { apiVersion: 'kargo.io/v1alpha1', kind: 'GeoService', metadata: { name: 'web', namespace: 'geo' }, spec: { image: 'x', privileged: true, volumes: [{ type: 'volume', source: 'v', target: '/d', propagation: 'shared' }] } } as unknown as GeoService;
    const issues = checkPolicy('GeoService', resource, 'geo', baselineContext);
    expect(issues.map((issue) => [issue.rule, issue.path.join('.')])).toEqual([['reviewedFields', 'spec.privileged'], ['reviewedFields', 'spec.volumes.0.propagation']]);
  });

  it('include none of the fields the schema knows today (every example passes)', () => {
    const resource = { apiVersion: 'kargo.io/v1alpha1', kind: 'GeoService', metadata: { name: 'web', namespace: 'geo' }, spec: { image: 'x', configs: [{ file: './a', target: '/a', uid: '1', gid: '1', mode: '0400' }], secrets: [{ file: './b.age', target: 'b', uid: '1', gid: '1', mode: '0400' }, { external: 'c' }] } } as unknown as GeoService;
    expect(checkPolicy('GeoService', resource, 'geo', baselineContext)).toEqual([]);
  });
});

describe('host paths', () => {
  it.each([
    ['/etc/../var/run/docker.sock', '/var/run/docker.sock'],
    ['//etc///ssl/', '/etc/ssl'],
    ['/./a/./b/..', '/a'],
    ['/../..', '/'],
  ])('normalises %s to %s', (path, normal) => {
    expect(normalisePath(path)).toBe(normal);
  });

  it.each([
    ['/', '/etc', true], ['/etc', '/etc', true], ['/etc/x', '/etc', true], ['/var', '/var/lib/docker', true],
    ['/etcx', '/etc', false], ['/srv', '/etc', false], ['/var/lib/dockerd', '/var/lib/docker', false],
  ])('binding %s exposes %s: %s', (source, sensitive, expected) => {
    expect(exposes(source, sensitive)).toBe(expected);
  });
});

describe('finding the task Kargo runs in', () => {
  const task = (id: string, container: string): Task => ({ ID: id, ServiceID: `s-${id}`, Status: { ContainerStatus: { ContainerID: container } } });
  const tasks = [task('a', `0123456789ab${'c'.repeat(52)}`), task('b', `fedcba987654${'d'.repeat(52)}`)];

  it.each([
    ['0123456789ab', 'a'],
    ['fedcba987654', 'b'],
    ['0123456789ac', undefined],
    ['kargo', undefined],
    ['0123456789', undefined],
  ])('hostname %s is task %s', (hostname, id) => {
    expect(taskOfContainer(tasks, hostname)?.ID).toBe(id);
  });
});
