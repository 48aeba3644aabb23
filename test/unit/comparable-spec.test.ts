/**
 * The canonical form a desired and a live spec are compared in: one table row per normalisation
 * rule (a desired spec and a live one that differ only by it compare equal), then rows proving
 * the rules stop there (the pair differs, with the exact changes), then the shape of the paths.
 */
import { describe, expect, it } from 'vitest';
import { canonicalImage, comparableSpec } from '../../src/core/diff/comparable-spec.js';
import type { FieldChange } from '../../src/core/diff/change-set.js';
import { diffService } from '../../src/core/diff/diff-service.js';
import type { ContainerSpec, ServiceSpec, TaskSpec } from '../../src/core/swarm/engine-api.js';

/** A spec whose task template and container spec are there to edit. */
interface Draft extends ServiceSpec {
  TaskTemplate: TaskSpec & { ContainerSpec: ContainerSpec };
}

/** A small spec as Kargo renders it, edited by `edit`. */
function spec(edit: (draft: Draft) => void = () => undefined): ServiceSpec {
  const draft: Draft = {
    Name: 'geo_web',
    Labels: { 'com.docker.stack.namespace': 'geo', 'io.kargo.geoservice': 'geo/web', 'io.kargo.managed-by': 'kargo' },
    TaskTemplate: { ContainerSpec: { Image: 'nginx:1.27', Labels: { 'com.docker.stack.namespace': 'geo' } } },
    Mode: { Replicated: { Replicas: 2 } },
  };
  edit(draft);
  return draft;
}

const digest = 'sha256:4f6a8f3c2c1b7e9d0a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f';
const otherDigest = 'sha256:0000111122223333444455556666777788889999aaaabbbbccccddddeeeeffff';

interface Row {
  readonly rule: string;
  readonly desired: ServiceSpec;
  readonly live: ServiceSpec;
  /** Network ID → name, as the engine lists them. */
  readonly networks?: Readonly<Record<string, string>>;
}

function diff(row: Row): ReturnType<typeof diffService> {
  return diffService('geo_web', row.desired, row.live, { networkNames: new Map(Object.entries(row.networks ?? {})) });
}

const equalRows: readonly Row[] = [
  {
    rule: 'Isolation "default" filled in by Swarm',
    desired: spec(),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Isolation = 'default')),
  },
  {
    rule: 'Runtime "container" filled in by Swarm',
    desired: spec(),
    live: spec((s) => (s.TaskTemplate.Runtime = 'container')),
  },
  {
    rule: 'ForceUpdate is ignored, whatever its value',
    desired: spec(),
    live: spec((s) => (s.TaskTemplate.ForceUpdate = 3)),
  },
  {
    rule: 'Placement.Platforms is ignored',
    desired: spec(),
    live: spec((s) => (s.TaskTemplate.Placement = { Platforms: [{ Architecture: 'amd64', OS: 'linux' }] })),
  },
  {
    rule: 'UpdateConfig.FailureAction "pause" filled in by Swarm',
    desired: spec((s) => (s.UpdateConfig = { Parallelism: 1 })),
    live: spec((s) => (s.UpdateConfig = { Parallelism: 1, FailureAction: 'pause' })),
  },
  {
    rule: 'UpdateConfig.Order "stop-first" filled in by Swarm',
    desired: spec((s) => (s.UpdateConfig = { Parallelism: 1 })),
    live: spec((s) => (s.UpdateConfig = { Parallelism: 1, Order: 'stop-first' })),
  },
  {
    rule: 'RollbackConfig.FailureAction "pause" filled in by Swarm',
    desired: spec((s) => (s.RollbackConfig = { Parallelism: 2 })),
    live: spec((s) => (s.RollbackConfig = { Parallelism: 2, FailureAction: 'pause' })),
  },
  {
    rule: 'RollbackConfig.Order "stop-first" filled in by Swarm',
    desired: spec((s) => (s.RollbackConfig = { Parallelism: 2 })),
    live: spec((s) => (s.RollbackConfig = { Parallelism: 2, Order: 'stop-first' })),
  },
  {
    rule: 'EndpointSpec.Mode "vip" filled in by Swarm',
    desired: spec(),
    live: spec((s) => (s.EndpointSpec = { Mode: 'vip' })),
  },
  {
    rule: 'Replicas left out is the 1 Swarm fills in',
    desired: spec((s) => (s.Mode = { Replicated: {} })),
    live: spec((s) => (s.Mode = { Replicated: { Replicas: 1 } })),
  },
  {
    rule: 'a zero number (MaxFailureRatio 0) is the same as none',
    desired: spec((s) => (s.UpdateConfig = { Parallelism: 1 })),
    live: spec((s) => (s.UpdateConfig = { Parallelism: 1, MaxFailureRatio: 0 })),
  },
  {
    rule: 'an empty map (Labels {}) is the same as none',
    desired: spec((s) => delete s.TaskTemplate.ContainerSpec.Labels),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Labels = {})),
  },
  {
    rule: 'false (a mount ReadOnly false) is the same as none',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Mounts = [{ Type: 'volume', Source: 'data', Target: '/data' }])),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Mounts = [{ Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false }])),
  },
  {
    rule: 'an empty list (Env []) is the same as none',
    desired: spec(),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Env = [])),
  },
  {
    rule: 'env is keyed by name: its order means nothing',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['A=1', 'B=2'])),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['B=2', 'A=1'])),
  },
  {
    rule: 'mounts are keyed by target: their order means nothing',
    desired: spec(
      (s) =>
        (s.TaskTemplate.ContainerSpec.Mounts = [
          { Type: 'volume', Source: 'data', Target: '/data' },
          { Type: 'tmpfs', Target: '/tmp' },
        ]),
    ),
    live: spec(
      (s) =>
        (s.TaskTemplate.ContainerSpec.Mounts = [
          { Type: 'tmpfs', Target: '/tmp' },
          { Type: 'volume', Source: 'data', Target: '/data' },
        ]),
    ),
  },
  {
    rule: 'ports are keyed by target port and protocol: their order means nothing',
    desired: spec(
      (s) =>
        (s.EndpointSpec = {
          Ports: [
            { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
            { Protocol: 'udp', TargetPort: 53, PublishedPort: 5353, PublishMode: 'ingress' },
          ],
        }),
    ),
    live: spec(
      (s) =>
        (s.EndpointSpec = {
          Mode: 'vip',
          Ports: [
            { Protocol: 'udp', TargetPort: 53, PublishedPort: 5353, PublishMode: 'ingress' },
            { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
          ],
        }),
    ),
  },
  {
    rule: 'networks are keyed by name: their order means nothing',
    desired: spec(
      (s) =>
        (s.TaskTemplate.Networks = [
          { Target: 'geo-backend', Aliases: ['db'] },
          { Target: 'geo-public', Aliases: ['web'] },
        ]),
    ),
    live: spec(
      (s) =>
        (s.TaskTemplate.Networks = [
          { Target: 'geo-public', Aliases: ['web'] },
          { Target: 'geo-backend', Aliases: ['db'] },
        ]),
    ),
  },
  {
    rule: 'live network IDs are mapped to their names',
    desired: spec((s) => (s.TaskTemplate.Networks = [{ Target: 'geo-backend', Aliases: ['db'] }])),
    live: spec((s) => (s.TaskTemplate.Networks = [{ Target: 'k3xq9vz0m2b7d4c1e8f6a5h0j', Aliases: ['db'] }])),
    networks: { k3xq9vz0m2b7d4c1e8f6a5h0j: 'geo-backend' },
  },
  {
    rule: 'constraints are keyed by text: their order means nothing',
    desired: spec((s) => (s.TaskTemplate.Placement = { Constraints: ['node.role == worker', 'node.labels.geodata == true'] })),
    live: spec((s) => (s.TaskTemplate.Placement = { Constraints: ['node.labels.geodata == true', 'node.role == worker'] })),
  },
  {
    rule: 'constraints are compared with the spaces around their operator normalised',
    desired: spec((s) => (s.TaskTemplate.Placement = { Constraints: ['node.role == worker', 'node.hostname != db1'] })),
    live: spec((s) => (s.TaskTemplate.Placement = { Constraints: ['node.role==worker', 'node.hostname!=db1'] })),
  },
  {
    rule: 'the digest Swarm pinned on a tagged image is dropped',
    desired: spec(),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx:1.27@${digest}`)),
  },
  {
    rule: 'the digest Swarm pinned on a tagged image from a registry with a port is dropped',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Image = 'registry.local:5000/geo/web:2.1')),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `registry.local:5000/geo/web:2.1@${digest}`)),
  },
  {
    rule: 'a tag pinned to a digest in the manifest equals the same reference live',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx:1.27@${digest}`)),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx:1.27@${digest}`)),
  },
  {
    rule: 'an update policy with Parallelism 1 equals no update policy (Swarm runs one task at a time)',
    desired: spec((s) => (s.UpdateConfig = { Parallelism: 1 })),
    live: spec(),
  },
  {
    rule: 'the same stop signal on both sides',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.StopSignal = 'SIGINT')),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.StopSignal = 'SIGINT')),
  },
  {
    rule: 'the provenance labels (spec hash, revision, source) are ignored',
    desired: spec((s) => (s.Labels = { ...s.Labels, 'io.kargo.spec-hash': 'new', 'io.kargo.revision': 'c0ffee', 'io.kargo.source': 'web.yaml' })),
    live: spec((s) => (s.Labels = { ...s.Labels, 'io.kargo.spec-hash': 'old', 'io.kargo.revision': 'deadbeef', 'io.kargo.source': 'old/web.yaml' })),
  },
];

describe('specs that differ only by a normalisation rule compare equal', () => {
  it.each(equalRows.map((row) => [row.rule, row] as const))('%s', (_rule, row) => {
    expect(diff(row)).toEqual({ name: 'geo_web', action: 'unchanged', changes: [], recreateReasons: [] });
  });
});

interface DifferRow extends Row {
  readonly changes: readonly FieldChange[];
}

const differRows: readonly DifferRow[] = [
  {
    rule: 'Replicas 0 differs from Replicas left out (Swarm 1)',
    desired: spec((s) => (s.Mode = { Replicated: { Replicas: 0 } })),
    live: spec((s) => (s.Mode = { Replicated: {} })),
    changes: [{ path: 'Mode.Replicated.Replicas', from: 1, to: 0 }],
  },
  {
    rule: 'Replicas 0 differs from Replicas 1',
    desired: spec((s) => (s.Mode = { Replicated: { Replicas: 0 } })),
    live: spec((s) => (s.Mode = { Replicated: { Replicas: 1 } })),
    changes: [{ path: 'Mode.Replicated.Replicas', from: 1, to: 0 }],
  },
  {
    rule: 'a different image tag differs',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Image = 'nginx:1.28')),
    live: spec(),
    changes: [{ path: 'TaskTemplate.ContainerSpec.Image', from: 'nginx:1.27', to: 'nginx:1.28' }],
  },
  {
    rule: 'a different tag differs from a pinned one, shown without the digest',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Image = 'nginx:1.28')),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx:1.27@${digest}`)),
    changes: [{ path: 'TaskTemplate.ContainerSpec.Image', from: 'nginx:1.27', to: 'nginx:1.28' }],
  },
  {
    rule: 'a digest-only reference keeps its digest',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx@${digest}`)),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx@${otherDigest}`)),
    changes: [{ path: 'TaskTemplate.ContainerSpec.Image', from: `nginx@${otherDigest}`, to: `nginx@${digest}` }],
  },
  {
    rule: 'a digest-only reference differs from a tag pinned to the same digest',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx@${digest}`)),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx:1.27@${digest}`)),
    changes: [{ path: 'TaskTemplate.ContainerSpec.Image', from: `nginx:1.27@${digest}`, to: `nginx@${digest}` }],
  },
  {
    rule: 'a tag pinned to another digest in the manifest differs (a digest bump is rolled out)',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx:1.27@${digest}`)),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Image = `nginx:1.27@${otherDigest}`)),
    changes: [{ path: 'TaskTemplate.ContainerSpec.Image', from: `nginx:1.27@${otherDigest}`, to: `nginx:1.27@${digest}` }],
  },
  {
    rule: 'Parallelism 0 (all at once) differs from no update policy (one at a time)',
    desired: spec((s) => (s.UpdateConfig = { Parallelism: 0 })),
    live: spec(),
    changes: [{ path: 'UpdateConfig.Parallelism', from: 1, to: 0 }],
  },
  {
    rule: 'an update policy without Parallelism (Swarm reads 0) differs from Parallelism 1',
    desired: spec((s) => (s.UpdateConfig = { Parallelism: 1, Order: 'start-first' })),
    live: spec((s) => (s.UpdateConfig = { Order: 'start-first' })),
    changes: [{ path: 'UpdateConfig.Parallelism', from: 0, to: 1 }],
  },
  {
    rule: 'Parallelism 0 differs from no rollback policy',
    desired: spec((s) => (s.RollbackConfig = { Parallelism: 0 })),
    live: spec(),
    changes: [{ path: 'RollbackConfig.Parallelism', from: 1, to: 0 }],
  },
  {
    rule: 'an extra env var differs',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['A=1'])),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['A=1', 'DEBUG=1'])),
    changes: [{ path: 'TaskTemplate.ContainerSpec.Env[DEBUG]', from: '1' }],
  },
  {
    rule: 'a changed env value differs',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['A=1', 'URL=http://x/?a=b'])),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['A=1', 'URL=http://x/?a=c'])),
    changes: [{ path: 'TaskTemplate.ContainerSpec.Env[URL]', from: 'http://x/?a=c', to: 'http://x/?a=b' }],
  },
  {
    rule: 'an unknown network ID stays as the ID',
    desired: spec((s) => (s.TaskTemplate.Networks = [{ Target: 'geo-backend', Aliases: ['web'] }])),
    live: spec((s) => (s.TaskTemplate.Networks = [{ Target: 'zz9plural0z0alpha0000000', Aliases: ['web'] }])),
    networks: { k3xq9vz0m2b7d4c1e8f6a5h0j: 'geo-backend' },
    changes: [
      { path: 'TaskTemplate.Networks[geo-backend].Aliases', to: ['web'] },
      { path: 'TaskTemplate.Networks[zz9plural0z0alpha0000000].Aliases', from: ['web'] },
    ],
  },
  {
    rule: 'changed network aliases differ',
    desired: spec((s) => (s.TaskTemplate.Networks = [{ Target: 'geo-backend', Aliases: ['db', 'postgis'] }])),
    live: spec((s) => (s.TaskTemplate.Networks = [{ Target: 'k3xq9vz0m2b7d4c1e8f6a5h0j', Aliases: ['db'] }])),
    networks: { k3xq9vz0m2b7d4c1e8f6a5h0j: 'geo-backend' },
    changes: [{ path: 'TaskTemplate.Networks[geo-backend].Aliases', from: ['db'], to: ['db', 'postgis'] }],
  },
  {
    rule: 'a stop signal a preset adds to a service that has none differs (Swarm fills in none)',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.StopSignal = 'SIGINT')),
    live: spec(),
    changes: [{ path: 'TaskTemplate.ContainerSpec.StopSignal', to: 'SIGINT' }],
  },
  {
    rule: 'a changed stop signal differs',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.StopSignal = 'SIGINT')),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.StopSignal = 'SIGTERM')),
    changes: [{ path: 'TaskTemplate.ContainerSpec.StopSignal', from: 'SIGTERM', to: 'SIGINT' }],
  },
  {
    rule: 'an Isolation other than "default" differs',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Isolation = 'process')),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Isolation = 'default')),
    changes: [{ path: 'TaskTemplate.ContainerSpec.Isolation', from: 'default', to: 'process' }],
  },
  {
    rule: 'a Runtime other than "container" differs',
    desired: spec((s) => (s.TaskTemplate.Runtime = 'plugin')),
    live: spec((s) => (s.TaskTemplate.Runtime = 'container')),
    changes: [{ path: 'TaskTemplate.Runtime', from: 'container', to: 'plugin' }],
  },
  {
    rule: 'UpdateConfig.FailureAction "rollback" differs from Swarm\'s "pause"',
    desired: spec((s) => (s.UpdateConfig = { FailureAction: 'rollback' })),
    live: spec((s) => (s.UpdateConfig = { FailureAction: 'pause', MaxFailureRatio: 0, Order: 'stop-first' })),
    changes: [{ path: 'UpdateConfig.FailureAction', from: 'pause', to: 'rollback' }],
  },
  {
    rule: 'RollbackConfig.Order "start-first" differs from Swarm\'s "stop-first"',
    desired: spec((s) => (s.RollbackConfig = { Order: 'start-first' })),
    live: spec((s) => (s.RollbackConfig = { FailureAction: 'pause', MaxFailureRatio: 0, Order: 'stop-first' })),
    changes: [{ path: 'RollbackConfig.Order', from: 'stop-first', to: 'start-first' }],
  },
  {
    rule: 'EndpointSpec.Mode "dnsrr" differs from Swarm\'s "vip"',
    desired: spec((s) => (s.EndpointSpec = { Mode: 'dnsrr' })),
    live: spec((s) => (s.EndpointSpec = { Mode: 'vip' })),
    changes: [{ path: 'EndpointSpec.Mode', from: 'vip', to: 'dnsrr' }],
  },
  {
    rule: 'a label added out of band differs',
    desired: spec(),
    live: spec((s) => (s.Labels = { ...s.Labels, maintainer: 'ops' })),
    changes: [{ path: 'Labels[maintainer]', from: 'ops' }],
  },
  {
    rule: 'the ownership label io.kargo.managed-by is not a provenance label',
    desired: spec(),
    live: spec((s) => (s.Labels = { 'com.docker.stack.namespace': 'geo', 'io.kargo.geoservice': 'geo/web' })),
    changes: [{ path: 'Labels[io.kargo.managed-by]', to: 'kargo' }],
  },
  {
    rule: 'a constraint added out of band differs',
    desired: spec((s) => (s.TaskTemplate.Placement = { Constraints: ['node.role == worker'] })),
    live: spec((s) => (s.TaskTemplate.Placement = { Constraints: ['node.role == worker', 'node.labels.ssd==true'] })),
    changes: [{ path: 'TaskTemplate.Placement.Constraints[node.labels.ssd == true]', from: true }],
  },
  {
    rule: 'a read-only mount differs from a writable one',
    desired: spec((s) => (s.TaskTemplate.ContainerSpec.Mounts = [{ Type: 'bind', Source: '/srv/data', Target: '/data', ReadOnly: true }])),
    live: spec((s) => (s.TaskTemplate.ContainerSpec.Mounts = [{ Type: 'bind', Source: '/srv/data', Target: '/data', ReadOnly: false }])),
    changes: [{ path: 'TaskTemplate.ContainerSpec.Mounts[/data].ReadOnly', to: true }],
  },
  {
    rule: 'a republished port differs in its published port only',
    desired: spec((s) => (s.EndpointSpec = { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8081, PublishMode: 'ingress' }] })),
    live: spec((s) => (s.EndpointSpec = { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' }] })),
    changes: [{ path: 'EndpointSpec.Ports[80/tcp].PublishedPort', from: 8080, to: 8081 }],
  },
];

describe('specs that differ by more than a normalisation rule do not compare equal', () => {
  it.each(differRows.map((row) => [row.rule, row] as const))('%s', (_rule, row) => {
    expect(diff(row).changes).toEqual(row.changes);
  });
});

/**
 * Values that are real settings although they look "empty": dropping them makes a manifest change
 * invisible, so Kargo never applies it.
 */
describe('values that look empty but are settings still differ', () => {
  it('an added env var with an empty value differs', () => {
    const entry = diff({
      rule: '',
      desired: spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['A=1', 'PROXY_BASE_URL='])),
      live: spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['A=1'])),
    });
    expect(entry.changes.map((change) => change.path)).toEqual(['TaskTemplate.ContainerSpec.Env[PROXY_BASE_URL]']);
  });

  it('an added label with an empty value differs', () => {
    const entry = diff({ rule: '', desired: spec((s) => (s.Labels = { ...s.Labels, 'traefik.enable': '' })), live: spec() });
    expect(entry.changes.map((change) => change.path)).toEqual(['Labels[traefik.enable]']);
  });

  it('attaching a network without aliases differs', () => {
    const entry = diff({ rule: '', desired: spec((s) => (s.TaskTemplate.Networks = [{ Target: 'geo-backend' }])), live: spec() });
    expect(entry.action).toBe('configured');
  });

  it('detaching a network without aliases differs', () => {
    const entry = diff({
      rule: '',
      desired: spec(),
      live: spec((s) => (s.TaskTemplate.Networks = [{ Target: 'k3xq9vz0m2b7d4c1e8f6a5h0j' }])),
      networks: { k3xq9vz0m2b7d4c1e8f6a5h0j: 'geo-backend' },
    });
    expect(entry.action).toBe('configured');
  });
});

describe('the paths of a comparable spec', () => {
  it('keys an env var by name, keeping any "=" in its value', () => {
    const comparable = comparableSpec(spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['JAVA_OPTS=-Dx=y'])));
    expect(comparable.get('TaskTemplate.ContainerSpec.Env[JAVA_OPTS]')).toBe('-Dx=y');
  });

  it('keys a port by target port and protocol', () => {
    const comparable = comparableSpec(spec((s) => (s.EndpointSpec = { Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishedPort: 80 }] })));
    expect(comparable.get('EndpointSpec.Ports[8080/tcp].PublishedPort')).toBe(80);
  });

  it('counts repeats of a port identity', () => {
    const comparable = comparableSpec(
      spec(
        (s) =>
          (s.EndpointSpec = {
            Ports: [
              { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' },
              { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8081, PublishMode: 'host' },
            ],
          }),
      ),
    );
    expect([comparable.get('EndpointSpec.Ports[80/tcp].PublishedPort'), comparable.get('EndpointSpec.Ports[80/tcp#2].PublishedPort')]).toEqual([8080, 8081]);
  });

  it('keys a mount by target', () => {
    const comparable = comparableSpec(spec((s) => (s.TaskTemplate.ContainerSpec.Mounts = [{ Type: 'volume', Source: 'data', Target: '/data' }])));
    expect(comparable.get('TaskTemplate.ContainerSpec.Mounts[/data].Source')).toBe('data');
  });

  it('keys a live network by the name its ID maps to', () => {
    const comparable = comparableSpec(spec((s) => (s.TaskTemplate.Networks = [{ Target: 'n1', Aliases: ['db'] }])), {
      networkNames: new Map([['n1', 'geo-backend']]),
    });
    expect(comparable.get('TaskTemplate.Networks[geo-backend].Aliases')).toEqual(['db']);
  });

  it('keys a constraint by its normalised text', () => {
    const comparable = comparableSpec(spec((s) => (s.TaskTemplate.Placement = { Constraints: [' node.role==manager '] })));
    expect(comparable.get('TaskTemplate.Placement.Constraints[node.role == manager]')).toBe(true);
  });

  it('brackets label keys that hold dots', () => {
    const comparable = comparableSpec(spec());
    expect(comparable.get('Labels[io.kargo.managed-by]')).toBe('kargo');
  });

  it('lists its paths in code point order', () => {
    const comparable = comparableSpec(
      spec((s) => {
        s.TaskTemplate.ContainerSpec.Env = ['b=1', 'B=2'];
        s.UpdateConfig = { Parallelism: 2 };
      }),
    );
    expect([...comparable.keys()]).toEqual([
      'Labels[com.docker.stack.namespace]',
      'Labels[io.kargo.geoservice]',
      'Labels[io.kargo.managed-by]',
      'Mode.Replicated.Replicas',
      'Name',
      'TaskTemplate.ContainerSpec.Env[B]',
      'TaskTemplate.ContainerSpec.Env[b]',
      'TaskTemplate.ContainerSpec.Image',
      'TaskTemplate.ContainerSpec.Labels[com.docker.stack.namespace]',
      'UpdateConfig.Parallelism',
    ]);
  });

  it('marks global mode with a leaf although its object is empty', () => {
    const comparable = comparableSpec(spec((s) => (s.Mode = { Global: {} })));
    expect(comparable.get('Mode.Global')).toBe(true);
  });
});

describe('canonicalImage', () => {
  it.each([
    ['nginx:1.27', 'nginx:1.27'],
    ['nginx', 'nginx'],
    [`nginx:1.27@${digest}`, 'nginx:1.27'],
    [`nginx@${digest}`, `nginx@${digest}`],
    [`registry.local:5000/geo/web@${digest}`, `registry.local:5000/geo/web@${digest}`],
    [`registry.local:5000/geo/web:2.1@${digest}`, 'registry.local:5000/geo/web:2.1'],
  ])('turns %s into %s', (image, canonical) => {
    expect(canonicalImage(image)).toBe(canonical);
  });

  it('leaves no image as none', () => {
    expect(canonicalImage(undefined)).toBeUndefined();
  });
});
