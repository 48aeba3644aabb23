import { describe, expect, it } from 'vitest';
import { loadExamples } from '../../src/demo/examples.js';
import { diffService } from '../../src/core/diff/diff-service.js';
import type { LoadedManifest } from '../../src/core/manifest/manifest-set.js';
import { renderFileMounts, type DesiredFileObject } from '../../src/core/render/file-objects.js';
import { renderServiceSpec } from '../../src/core/render/render-service-spec.js';
import { withFileObjectIds } from '../../src/reconcile/file-objects.js';
import type { ServiceSpec } from '../../src/core/swarm/engine-api.js';
import { localImages } from '../../src/sandbox/local-images.js';
import { isolate, manifestFromYaml } from '../support/manifests.js';
import { testSwarm, uniqueName } from '../support/swarm.js';

const swarm = testSwarm();
const examples = (await loadExamples()).manifests;
const context = { revision: 'test', sourceFile: 'test.yaml' };

async function liveContext(): Promise<{ networkNames: Map<string, string> }> {
  const networks = await swarm.listNetworks();
  return { networkNames: new Map(networks.map((network) => [network.Id, network.Name])) };
}

/** Creates the service on the networks it joins and with the configs and secrets it mounts (made first, as Kargo makes them), then removes them all. */
async function withService<T>(spec: ServiceSpec, use: (id: string) => Promise<T>, files: readonly DesiredFileObject[] = []): Promise<T> {
  const existing = new Set((await swarm.listNetworks()).map((network) => network.Name));
  const made: string[] = [];
  for (const target of (spec.TaskTemplate?.Networks ?? []).map((network) => network.Target ?? '')) {
    if (existing.has(target)) continue;
    made.push(await swarm.createNetwork({ Name: target, Driver: 'overlay', Attachable: true, Labels: { 'io.kargo.test': 'true' } }));
  }
  const withIds = await withFileObjectIds(swarm, spec, files, []);
  if ('blocked' in withIds) throw new Error(withIds.blocked.message);
  const id = await swarm.createService(withIds.spec);
  try {
    return await use(id);
  } finally {
    await swarm.removeService(id);
    for (const network of made) await swarm.removeNetwork(network);
    for (const created of withIds.created) await swarm.removeFileObject(created.kind, created.id);
  }
}

describe('a service created from a rendered spec', () => {
  it.each(examples.map((example): [string, LoadedManifest] => [example.key, example]))(
    'reads back unchanged for example %s',
    async (_key, example) => {
      const resource = isolate(example.resource, uniqueName('ex'));
      const fileMounts = renderFileMounts(resource, example.contents);
      const spec = renderServiceSpec(resource, { ...context, fileMounts });
      await withService(spec, async (id) => {
        const live = await swarm.inspectService(id);
        const entry = diffService(spec.Name ?? '', spec, live.Spec, await liveContext());
        expect(entry.changes).toEqual([]);
        expect(entry.action).toBe('unchanged');
      }, fileMounts.objects);
    },
  );
});

const base = (publishedPort: number): LoadedManifest['resource'] =>
  manifestFromYaml(`
apiVersion: kargo.io/v1alpha1
kind: GeoService
metadata: { name: web }
spec:
  image: ${localImages.http.name}
  replicas: 0
  env: { RESPONSE: hello, PORT: 8080 }
  labels: { team: maps }
  ports: [{ target: 8080, published: ${String(publishedPort)} }]
  placement: { constraints: [node.role == manager] }
  resources: { limits: { memory: 64M } }
  update: { parallelism: 1 }
`);

type Edit = (spec: ServiceSpec) => ServiceSpec;
const container = (spec: ServiceSpec, edit: (c: NonNullable<NonNullable<ServiceSpec['TaskTemplate']>['ContainerSpec']>) => object): ServiceSpec => ({
  ...spec,
  TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: { ...spec.TaskTemplate?.ContainerSpec, ...edit(spec.TaskTemplate?.ContainerSpec ?? {}) } },
});

const edits: [string, string, Edit][] = [
  ['the image tag', 'TaskTemplate.ContainerSpec.Image', (s) => container(s, () => ({ Image: localImages.httpNext.name }))],
  ['an env var', 'TaskTemplate.ContainerSpec.Env[RESPONSE]', (s) => container(s, (c) => ({ Env: c.Env?.map((e) => (e.startsWith('RESPONSE=') ? 'RESPONSE=changed' : e)) }))],
  ['a label', 'Labels[team]', (s) => ({ ...s, Labels: { ...s.Labels, team: 'ops' } })],
  ['the replicas', 'Mode.Replicated.Replicas', (s) => ({ ...s, Mode: { Replicated: { Replicas: 2 } } })],
  ['a constraint', 'TaskTemplate.Placement.Constraints[node.role == worker]', (s) => ({ ...s, TaskTemplate: { ...s.TaskTemplate, Placement: { Constraints: ['node.role == manager', 'node.role == worker'] } } })],
  ['a published port', 'EndpointSpec.Ports[8080/tcp].PublishedPort', (s) => ({ ...s, EndpointSpec: { ...s.EndpointSpec, Ports: (s.EndpointSpec?.Ports ?? []).map((p) => ({ ...p, PublishedPort: (p.PublishedPort ?? 0) + 1 })) } })],
  ['a resource limit', 'TaskTemplate.Resources.Limits.MemoryBytes', (s) => ({ ...s, TaskTemplate: { ...s.TaskTemplate, Resources: { Limits: { MemoryBytes: 128 * 1024 * 1024 } } } })],
  ['the stop signal', 'TaskTemplate.ContainerSpec.StopSignal', (s) => container(s, () => ({ StopSignal: 'SIGQUIT' }))],
  ['the update parallelism', 'UpdateConfig.Parallelism', (s) => ({ ...s, UpdateConfig: { ...s.UpdateConfig, Parallelism: 3 } })],
];

describe('an out-of-band change through the Docker API', () => {
  it.each(edits.map(([what, path, edit], index): [string, string, Edit, number] => [what, path, edit, index]))(
    'to %s is reported as exactly %s',
    async (_what, path, edit, index) => {
      const spec = renderServiceSpec(isolate(base(21000 + index * 2), uniqueName('edit')), context);
      await withService(spec, async (id) => {
        await swarm.modifyService(id, (created) => edit(created.Spec));
        const live = await swarm.inspectService(id);
        const entry = diffService(spec.Name ?? '', spec, live.Spec, await liveContext());
        expect(entry.action).toBe('configured');
        expect(entry.changes.map((change) => change.path)).toEqual([path]);
      });
    },
  );
});
