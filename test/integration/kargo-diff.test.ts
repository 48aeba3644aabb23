import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import { desiredStateOf } from '../../src/core/desired-state.js';
import { localImages } from '../../src/sandbox/local-images.js';
import { runKargo } from '../support/cli.js';
import { testSwarm, uniqueName } from '../support/swarm.js';
import { inject } from 'vitest';

const swarm = testSwarm();
const env = { DOCKER_HOST: inject('dockerHost') };
const dir = mkdtempSync(join(tmpdir(), 'kargo-diff-'));
const namespace = uniqueName('diff');
/** A namespace this diff does not manage, as if a second Kargo owned it. */
const otherNamespace = uniqueName('diff-other');
writeFileSync(
  join(dir, 'web.yaml'),
  `apiVersion: kargo.io/v1alpha1
kind: GeoService
metadata: { name: web, namespace: ${namespace} }
spec:
  image: ${localImages.http.name}
  replicas: 0
  env: { RESPONSE: hello }
`,
);
// Other test files run their own Kargo-owned services on the same engine, in other namespaces: like
// a second Kargo's, they are out of this plan, pruning included.
const diffArgs = ['diff', '--manifests', dir, '--namespaces', namespace];

afterAll(async () => {
  for (const ns of [namespace, otherNamespace]) {
    const inNamespace = { label: [`com.docker.stack.namespace=${ns}`] };
    const services = await swarm.listServices(inNamespace);
    await Promise.all(services.map((service) => swarm.removeService(service.ID)));
    const networks = await swarm.listNetworks(inNamespace);
    await Promise.all(networks.map((network) => swarm.removeNetwork(network.Id)));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('kargo diff', () => {
  it('exits 3 and shows the create while the service does not exist', async () => {
    const result = await runKargo(diffArgs, env);
    expect(result.stdout).toContain(`+ ${namespace}/web (create ${namespace}_web)`);
    expect(result.code).toBe(3);
  });

  it('exits 0 once the service matches the manifest', async () => {
    const set = await createManifestLoader()([dir]);
    const state = desiredStateOf(set, dir, set.contentRevision);
    const [desired] = state.desired;
    if (desired === undefined) throw new Error('the test manifest did not load');
    // As Kargo writes them: the namespace's default network, then the service that joins it.
    for (const network of state.networks) await swarm.createNetwork(network.spec);
    await swarm.createService(desired.spec);
    const result = await runKargo(diffArgs, env);
    expect(result.stdout).toContain('plan: 0 to create, 0 to update, 0 to delete, 2 unchanged');
    expect(result.code).toBe(0);
  });

  it('exits 3 with the field shown after an out-of-band edit', async () => {
    const [service] = await swarm.listServices({ name: [`${namespace}_web`] });
    if (service === undefined) throw new Error('the service of the previous test is gone');
    await swarm.modifyService(service.ID, ({ Spec }) => ({
      ...Spec,
      TaskTemplate: { ...Spec.TaskTemplate, ContainerSpec: { ...Spec.TaskTemplate?.ContainerSpec, Env: ['RESPONSE=drifted'] } },
    }));
    const result = await runKargo(diffArgs, env);
    expect(result.stdout).toContain(`~ ${namespace}/web (update ${namespace}_web)`);
    expect(result.stdout).toContain('~ TaskTemplate.ContainerSpec.Env[RESPONSE]: "drifted" → "hello"');
    expect(result.code).toBe(3);
  });

  it('reports the same drift as JSON for machines', async () => {
    const result = await runKargo([...diffArgs, '--output', 'json'], env);
    const report = JSON.parse(result.stdout) as { inSync: boolean; services: { key: string; action: string; changes: { path: string }[] }[] };
    expect(report.inSync).toBe(false);
    const entry = report.services.find((service) => service.key === `${namespace}/web`);
    expect(entry?.action).toBe('configured');
    expect(entry?.changes.map((change) => change.path)).toEqual(['TaskTemplate.ContainerSpec.Env[RESPONSE]']);
  });

  it('renders with --values: the values decide the plan, and an unset variable fails with its place', async () => {
    const withValues = mkdtempSync(join(tmpdir(), 'kargo-diff-values-'));
    try {
      writeFileSync(join(withValues, 'web.yaml'), `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: web, namespace: ${namespace} }\nspec:\n  image: ${localImages.http.name}\n  replicas: 0\n  env: { RESPONSE: \${RESPONSE} }\n`);
      const args = (values: string): string[] => ['diff', '--manifests', withValues, '--namespaces', namespace, '--values', join(withValues, values)];
      writeFileSync(join(withValues, 'live.env'), 'RESPONSE=drifted\n');
      writeFileSync(join(withValues, 'wanted.env'), 'RESPONSE=hello\n');
      writeFileSync(join(withValues, 'empty.env'), '');
      const inSync = await runKargo(args('live.env'), env);
      expect(inSync.stdout).toContain('plan: 0 to create, 0 to update, 0 to delete, 2 unchanged');
      expect(inSync.code).toBe(0);
      const pending = await runKargo(args('wanted.env'), env);
      expect(pending.stdout).toContain('~ TaskTemplate.ContainerSpec.Env[RESPONSE]: "drifted" → "hello"');
      expect(pending.code).toBe(3);
      const unset = await runKargo(args('empty.env'), env);
      expect(unset.stderr).toContain(`${join(withValues, 'web.yaml')}:7:20: error: variable RESPONSE is not set`);
      expect(unset.code).toBe(1);
    } finally {
      rmSync(withValues, { recursive: true, force: true });
    }
  });

  it('shows an owned service of its namespaces that no manifest wants as a delete, and leaves other namespaces out', async () => {
    const other = mkdtempSync(join(tmpdir(), 'kargo-diff-orphan-'));
    const manifest = (name: string, ns: string): string => `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: { image: ${localImages.http.name}, replicas: 0 }\n`;
    writeFileSync(join(other, 'orphan.yaml'), manifest('orphan', namespace));
    writeFileSync(join(other, 'elsewhere.yaml'), manifest('elsewhere', otherNamespace));
    const set = await createManifestLoader()([other]);
    rmSync(other, { recursive: true, force: true });
    const state = desiredStateOf(set, other, set.contentRevision);
    const specs = state.desired.map((service) => service.spec);
    expect(specs).toHaveLength(2);
    const existing = new Set((await swarm.listNetworks()).map((network) => network.Name));
    for (const network of state.networks) if (!existing.has(network.spec.Name)) await swarm.createNetwork(network.spec);
    for (const spec of specs) await swarm.createService(spec);
    const result = await runKargo(diffArgs, env);
    expect(result.stdout).toContain(`- ${namespace}/orphan (delete ${namespace}_orphan)`);
    expect(result.stdout).not.toContain('elsewhere');
    // web's namespace default network is still wanted (unchanged); the other namespace's is out of this plan.
    expect(result.stdout).toContain('plan: 0 to create, 1 to update, 1 to delete, 1 unchanged');
  });

  it('says what to do when the engine cannot be reached', async () => {
    const result = runKargo(diffArgs, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    await expect(result).rejects.toThrow(/cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker.sock/);
  });
});
