/**
 * diffService: the action (created, deleted, configured, unchanged), the changes in path order with
 * their from/to values (Swarm's default standing in for a leaf one side leaves out), and when the
 * service must be recreated.
 */
import { describe, expect, it } from 'vitest';
import { diffService } from '../../src/core/diff/diff-service.js';
import type { ContainerSpec, ServiceSpec, TaskSpec } from '../../src/core/swarm/engine-api.js';

interface Draft extends ServiceSpec {
  TaskTemplate: TaskSpec & { ContainerSpec: ContainerSpec };
}

/** A small spec as Kargo renders it, edited by `edit`. */
function spec(edit: (draft: Draft) => void = () => undefined): ServiceSpec {
  const draft: Draft = {
    Name: 'geo_web',
    Labels: { 'io.kargo.managed-by': 'kargo', 'io.kargo.spec-hash': 'abc' },
    TaskTemplate: { ContainerSpec: { Image: 'nginx:1.27' } },
    Mode: { Replicated: { Replicas: 2 } },
  };
  edit(draft);
  return draft;
}

const noNetworks = { networkNames: new Map<string, string>() };

describe('the action of a diff', () => {
  it('is created when the service does not exist yet', () => {
    expect(diffService('geo_web', spec(), undefined).action).toBe('created');
  });

  it('is deleted when the service should not exist', () => {
    expect(diffService('geo_web', undefined, spec()).action).toBe('deleted');
  });

  it('is configured when a field differs', () => {
    const desired = spec((s) => (s.TaskTemplate.ContainerSpec.Image = 'nginx:1.28'));
    expect(diffService('geo_web', desired, spec()).action).toBe('configured');
  });

  it('is unchanged when the specs are the same', () => {
    expect(diffService('geo_web', spec(), spec())).toEqual({ name: 'geo_web', action: 'unchanged', changes: [], recreateReasons: [] });
  });

  it('carries the name it was given', () => {
    expect(diffService('geo_other', spec(), spec()).name).toBe('geo_other');
  });
});

describe('the changes of a created or deleted service', () => {
  it('lists every desired leaf as added, provenance labels left out, for a created service', () => {
    expect(diffService('geo_web', spec(), undefined).changes).toEqual([
      { path: 'Labels[io.kargo.managed-by]', to: 'kargo' },
      { path: 'Mode.Replicated.Replicas', to: 2 },
      { path: 'Name', to: 'geo_web' },
      { path: 'TaskTemplate.ContainerSpec.Image', to: 'nginx:1.27' },
    ]);
  });

  it('lists every live leaf as removed, provenance labels left out, for a deleted service', () => {
    expect(diffService('geo_web', undefined, spec()).changes).toEqual([
      { path: 'Labels[io.kargo.managed-by]', from: 'kargo' },
      { path: 'Mode.Replicated.Replicas', from: 2 },
      { path: 'Name', from: 'geo_web' },
      { path: 'TaskTemplate.ContainerSpec.Image', from: 'nginx:1.27' },
    ]);
  });

  it('resolves live network IDs of a deleted service through the context', () => {
    const live = spec((s) => (s.TaskTemplate.Networks = [{ Target: 'n1', Aliases: ['web'] }]));
    const paths = diffService('geo_web', undefined, live, { networkNames: new Map([['n1', 'geo-public']]) }).changes.map((c) => c.path);
    expect(paths).toContain('TaskTemplate.Networks[geo-public].Aliases');
  });
});

describe('the order of changes', () => {
  const desired = spec((s) => {
    s.Labels = { ...s.Labels, team: 'gis' };
    s.TaskTemplate.ContainerSpec.Env = ['b=1', 'B=2'];
    s.TaskTemplate.ContainerSpec.Image = 'nginx:1.28';
    s.UpdateConfig = { Parallelism: 2 };
    s.EndpointSpec = { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080 }] };
    s.Mode = { Replicated: { Replicas: 3 } };
  });

  it('is by path, in code point order', () => {
    expect(diffService('geo_web', desired, spec()).changes.map((change) => change.path)).toEqual([
      'EndpointSpec.Ports[80/tcp].Protocol',
      'EndpointSpec.Ports[80/tcp].PublishedPort',
      'EndpointSpec.Ports[80/tcp].TargetPort',
      'Labels[team]',
      'Mode.Replicated.Replicas',
      'TaskTemplate.ContainerSpec.Env[B]',
      'TaskTemplate.ContainerSpec.Env[b]',
      'TaskTemplate.ContainerSpec.Image',
      'UpdateConfig.Parallelism',
    ]);
  });

  it('does not depend on the order of lists and object keys in the specs', () => {
    const reordered: ServiceSpec = {
      Mode: { Replicated: { Replicas: 3 } },
      EndpointSpec: { Ports: [{ PublishedPort: 8080, TargetPort: 80, Protocol: 'tcp' }] },
      UpdateConfig: { Parallelism: 2 },
      TaskTemplate: { ContainerSpec: { Env: ['B=2', 'b=1'], Image: 'nginx:1.28' } },
      Labels: { team: 'gis', 'io.kargo.spec-hash': 'abc', 'io.kargo.managed-by': 'kargo' },
      Name: 'geo_web',
    };
    expect(diffService('geo_web', reordered, spec()).changes).toEqual(diffService('geo_web', desired, spec()).changes);
  });
});

describe('the from and to of a change', () => {
  it('are the live value and the desired one', () => {
    const desired = spec((s) => (s.TaskTemplate.ContainerSpec.Image = 'nginx:1.28'));
    expect(diffService('geo_web', desired, spec()).changes).toEqual([{ path: 'TaskTemplate.ContainerSpec.Image', from: 'nginx:1.27', to: 'nginx:1.28' }]);
  });

  it('has no from for a leaf only the desired spec has', () => {
    const desired = spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['A=1']));
    const [change] = diffService('geo_web', desired, spec()).changes;
    expect(change).toStrictEqual({ path: 'TaskTemplate.ContainerSpec.Env[A]', to: '1' });
  });

  it('has no to for a leaf only the live spec has', () => {
    const live = spec((s) => (s.TaskTemplate.ContainerSpec.Env = ['A=1']));
    const [change] = diffService('geo_web', spec(), live).changes;
    expect(change).toStrictEqual({ path: 'TaskTemplate.ContainerSpec.Env[A]', from: '1' });
  });

  it('shows the 1 Swarm filled in for replicas left out when scaling to 0', () => {
    const desired = spec((s) => (s.Mode = { Replicated: { Replicas: 0 } }));
    const live = spec((s) => (s.Mode = { Replicated: { Replicas: 1 } }));
    expect(diffService('geo_web', desired, live).changes).toEqual([{ path: 'Mode.Replicated.Replicas', from: 1, to: 0 }]);
  });

  it('shows the replicas the manifest leaves out as the 1 Swarm will fill in', () => {
    const desired = spec((s) => (s.Mode = { Replicated: {} }));
    const live = spec((s) => (s.Mode = { Replicated: { Replicas: 4 } }));
    expect(diffService('geo_web', desired, live).changes).toEqual([{ path: 'Mode.Replicated.Replicas', from: 4, to: 1 }]);
  });

  it('shows the update order the manifest leaves out as Swarm\'s "stop-first"', () => {
    const desired = spec((s) => (s.UpdateConfig = { Parallelism: 1 }));
    const live = spec((s) => (s.UpdateConfig = { Parallelism: 1, FailureAction: 'pause', MaxFailureRatio: 0, Order: 'start-first' }));
    expect(diffService('geo_web', desired, live).changes).toEqual([{ path: 'UpdateConfig.Order', from: 'start-first', to: 'stop-first' }]);
  });

  it('shows an added array leaf as a whole array', () => {
    const desired = spec((s) => (s.TaskTemplate.ContainerSpec.Command = ['mapserv', '-v']));
    expect(diffService('geo_web', desired, spec()).changes).toEqual([{ path: 'TaskTemplate.ContainerSpec.Command', to: ['mapserv', '-v'] }]);
  });

  it('compares array leaves by content, not identity', () => {
    const desired = spec((s) => (s.TaskTemplate.ContainerSpec.Command = ['mapserv', '-v']));
    const live = spec((s) => (s.TaskTemplate.ContainerSpec.Command = ['mapserv', '-v']));
    expect(diffService('geo_web', desired, live).action).toBe('unchanged');
  });

  it('sees a reordered array leaf as changed', () => {
    const desired = spec((s) => (s.TaskTemplate.ContainerSpec.Args = ['-a', '-b']));
    const live = spec((s) => (s.TaskTemplate.ContainerSpec.Args = ['-b', '-a']));
    expect(diffService('geo_web', desired, live).changes).toEqual([{ path: 'TaskTemplate.ContainerSpec.Args', from: ['-b', '-a'], to: ['-a', '-b'] }]);
  });

  it('resolves network IDs on the live side only', () => {
    const desired = spec((s) => (s.TaskTemplate.Networks = [{ Target: 'geo-backend', Aliases: ['db'] }]));
    const live = spec((s) => (s.TaskTemplate.Networks = [{ Target: 'n1', Aliases: ['db'] }]));
    expect(diffService('geo_web', desired, live, { networkNames: new Map([['n1', 'geo-backend']]) }).action).toBe('unchanged');
  });
});

describe('recreating a service', () => {
  const replicated = (replicas: number): ServiceSpec => spec((s) => (s.Mode = { Replicated: { Replicas: replicas } }));
  const global = (image = 'nginx:1.27'): ServiceSpec =>
    spec((s) => {
      s.Mode = { Global: {} };
      s.TaskTemplate.ContainerSpec.Image = image;
    });

  it('is flagged when replicated becomes global', () => {
    expect(diffService('geo_web', global(), replicated(2), noNetworks).recreateReasons).toEqual(['mode changes from replicated to global']);
  });

  it('is flagged when global becomes replicated', () => {
    expect(diffService('geo_web', replicated(2), global(), noNetworks).recreateReasons).toEqual(['mode changes from global to replicated']);
  });

  it('is flagged when a spec without mode (replicated) becomes global', () => {
    const live = spec((s) => delete s.Mode);
    expect(diffService('geo_web', global(), live).recreateReasons).toEqual(['mode changes from replicated to global']);
  });

  it.each([
    ['replicated service is scaled', replicated(5), replicated(2)],
    ['global service changes its image', global('nginx:1.28'), global()],
    ['global service is unchanged', global(), global()],
  ])('is not flagged when a %s', (_case, desired, live) => {
    expect(diffService('geo_web', desired, live).recreateReasons).toEqual([]);
  });

  it('is not flagged for a created service', () => {
    expect(diffService('geo_web', global(), undefined).recreateReasons).toEqual([]);
  });

  it('is not flagged for a deleted service', () => {
    expect(diffService('geo_web', undefined, global()).recreateReasons).toEqual([]);
  });

  it('lists the mode leaf that appears when replicated becomes global', () => {
    expect(diffService('geo_web', global(), replicated(1)).changes).toEqual([
      { path: 'Mode.Global', to: true },
      { path: 'Mode.Replicated.Replicas', from: 1 },
    ]);
  });

  // A global service has no replica count, so none may be made up on the side that is global.
  it('shows the live replica count as removed when replicated becomes global', () => {
    expect(diffService('geo_web', global(), replicated(2)).changes).toEqual([
      { path: 'Mode.Global', to: true },
      { path: 'Mode.Replicated.Replicas', from: 2 },
    ]);
  });

  it('shows the desired replica count as added when global becomes replicated', () => {
    expect(diffService('geo_web', replicated(3), global()).changes).toEqual([
      { path: 'Mode.Global', from: true },
      { path: 'Mode.Replicated.Replicas', to: 3 },
    ]);
  });
});
