import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { isManagedByKargo, ownershipLabels } from '../../src/core/render/ownership.js';
import { conditionOf } from '../../src/core/status/object-status.js';
import { localImages } from '../../src/sandbox/local-images.js';
import { httpManifest, RunningKargo, useKargo } from '../support/running-kargo.js';
import { testSwarm, uniqueName, waitFor, waitForUpdateState } from '../support/swarm.js';

const dockerHost = inject('dockerHost');
const swarm = testSwarm();
/** A Kargo a test starts by hand (not through startKargo), stopped after it. */
let kargo: RunningKargo | undefined;

afterEach(async () => {
  await kargo?.stop();
  kargo = undefined;
});

const startKargo = useKargo();

function versions(services: Map<string, { Version: { Index: number } }>): Record<string, number> {
  return Object.fromEntries([...services].map(([name, service]) => [name, service.Version.Index]));
}

describe('kargo run', () => {
  it('creates every service with the ownership labels, and a second pass writes nothing', async () => {
    const k = await startKargo({
      'a.yaml': (ns) => httpManifest(ns, 'alpha'),
      'nested/b.yaml': (ns) => httpManifest(ns, 'beta'),
    });
    await k.waitForCondition('alpha', 'Ready');
    await k.waitForCondition('beta', 'Ready');
    const services = await k.services();
    expect([...services.keys()].sort()).toEqual([`${k.namespace}_alpha`, `${k.namespace}_beta`]);
    for (const [name, service] of services) {
      expect(isManagedByKargo(service.Spec.Labels)).toBe(true);
      expect(service.Spec.Labels?.[ownershipLabels.geoService]).toBe(`${k.namespace}/${name.split('_')[1] ?? ''}`);
      expect(service.Spec.Labels?.[ownershipLabels.stackNamespace]).toBe(k.namespace);
      expect(service.Spec.Labels?.[ownershipLabels.specHash]).toMatch(/^[0-9a-f]{64}$/);
      expect(service.Spec.Labels?.[ownershipLabels.revision]).toMatch(/^sha256:/);
    }
    const before = versions(services);
    const writes = { ...k.swarm.writes };
    await k.operator?.controller.resync();
    expect(k.swarm.writes).toEqual(writes);
    expect(versions(await k.services())).toEqual(before);
  });

  it('rolls out an env change to exactly the edited service', async () => {
    const k = await startKargo({
      'a.yaml': (ns) => httpManifest(ns, 'alpha'),
      'b.yaml': (ns) => httpManifest(ns, 'beta'),
    });
    await k.waitForCondition('alpha', 'Ready');
    await k.waitForCondition('beta', 'Ready');
    const before = versions(await k.services());
    k.write('a.yaml', httpManifest(k.namespace, 'alpha', '', 'RESPONSE: changed'));
    const alpha = `${k.namespace}_alpha`;
    const updated = await waitFor('the update to reach Swarm', async () => {
      const service = (await k.services()).get(alpha);
      return service?.Spec.TaskTemplate?.ContainerSpec?.Env?.includes('RESPONSE=changed') === true ? service : undefined;
    });
    await waitForUpdateState(swarm, updated.ID, 'completed', { timeoutMs: 90_000 });
    const after = versions(await k.services());
    expect(after[`${k.namespace}_beta`]).toBe(before[`${k.namespace}_beta`]);
    expect(after[alpha]).toBeGreaterThan(before[alpha] ?? 0);
    const log = k.logs.find((line) => line['action'] === 'configured');
    expect(log?.['fields']).toEqual(['TaskTemplate.ContainerSpec.Env[RESPONSE]']);
    await k.waitForCondition('alpha', 'Ready');
  });

  it('reverts an out-of-band update within seconds, on the Docker event', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') });
    await k.waitForCondition('alpha', 'Ready');
    const alpha = (await k.services()).get(`${k.namespace}_alpha`);
    if (alpha === undefined) throw new Error('alpha was not created');
    const started = Date.now();
    await swarm.modifyService(alpha.ID, (service) => ({ ...service.Spec, Labels: { ...service.Spec.Labels, intruder: 'yes' } }));
    await waitFor('the drift to be reverted', async () => {
      const service = await swarm.inspectService(alpha.ID);
      return service.Spec.Labels?.['intruder'] === undefined ? true : undefined;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(10);
    const drift = k.logs.find((line) => line['driftCorrected'] === true);
    expect(drift?.['fields']).toEqual(['Labels[intruder]']);
  });

  it('never hands a key a full sync\'s listing taken before that key\'s own create', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') });
    await k.waitForCondition('alpha', 'Ready');
    const listing = k.swarm.holdFullListings();
    const sync = k.operator?.controller.resync();
    await listing.taken;
    k.write('b.yaml', httpManifest(k.namespace, 'beta'));
    await waitFor('beta to be created while the sync\'s listing is held', () => (k.swarm.writes.create === 2 ? true : undefined));
    listing.release();
    await sync;
    await k.waitForCondition('beta', 'Ready');
    expect(k.swarm.writes.create).toBe(2);
    expect(k.logs.filter((line) => Number(line['level']) >= 50).map((line) => line['msg'])).toEqual([]);
  });

  it('prunes the service of a deleted manifest', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha'), 'b.yaml': (ns) => httpManifest(ns, 'beta') });
    await k.waitForCondition('beta', 'Ready');
    k.remove('b.yaml');
    await waitFor('beta to be pruned', async () => ((await k.services()).has(`${k.namespace}_beta`) ? undefined : true));
    expect((await k.services()).has(`${k.namespace}_alpha`)).toBe(true);
  });

  it('never prunes a service that holds a removed manifest\'s name but belongs to another GeoService', async () => {
    const namespace = uniqueName('ns');
    kargo = new RunningKargo(dockerHost, namespace);
    kargo.write('other.yaml', httpManifest(namespace, 'other'));
    await kargo.start();
    await kargo.waitForCondition('other', 'Ready');
    // Labelled as the service of GeoService "other", under the name GeoService "beta" gets.
    const labels = { 'com.docker.stack.namespace': namespace, 'io.kargo.managed-by': 'kargo', 'io.kargo.geoservice': `${namespace}/other` };
    const holderId = await swarm.createService({ Name: `${namespace}_beta`, Labels: labels, TaskTemplate: { ContainerSpec: { Image: localImages.http.name } }, Mode: { Replicated: { Replicas: 0 } } });
    kargo.write('beta.yaml', httpManifest(namespace, 'beta'));
    const status = await kargo.waitForCondition('beta', 'Stalled');
    expect(conditionOf(status, 'Stalled')?.message).toContain(`belongs to GeoService ${namespace}/other`);
    kargo.remove('beta.yaml');
    await waitFor('beta to be forgotten', () => (kargo?.status('beta') === undefined ? true : undefined));
    await kargo.operator?.controller.resync();
    expect((await swarm.inspectService(holderId)).Spec.Name).toBe(`${namespace}_beta`);
    expect(kargo.swarm.writes.remove).toBe(0);
  });

  it('names a service\'s networks by id when it writes, and reads them back unchanged', async () => {
    const network = uniqueName('net');
    const { id } = await swarm.docker.createNetwork({ Name: network, Driver: 'overlay', Attachable: true });
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha', `  networks: [{ name: ${network}, external: true, aliases: [wms] }]\n`) });
    try {
      await k.waitForCondition('alpha', 'Ready');
      expect(k.swarm.created.map((spec) => spec.TaskTemplate?.Networks)).toEqual([[{ Target: id, Aliases: ['wms', 'alpha'] }]]);
      await k.operator?.controller.resync();
      expect(k.swarm.writes).toEqual({ create: 1, update: 0, remove: 0, createNetwork: 0, removeNetwork: 0, createFileObject: 0, removeFileObject: 0 });
    } finally {
      await k.stop();
      await swarm.docker.getNetwork(id).remove();
    }
  });

  it('creates a service on a network that was replaced after Kargo last listed the networks', async () => {
    const network = uniqueName('net');
    const first = await swarm.docker.createNetwork({ Name: network, Driver: 'overlay', Attachable: true });
    const onNetwork = (ns: string, name: string): string => httpManifest(ns, name, `  networks: [{ name: ${network}, external: true }]\n`);
    // "keep" stays, so that removing a.yaml does not empty the directory (which would refuse the prune).
    const k = await startKargo({ 'a.yaml': (ns) => onNetwork(ns, 'alpha'), 'keep.yaml': (ns) => httpManifest(ns, 'keep') }, { backoffBaseMs: 50 });
    await k.waitForCondition('alpha', 'Ready');
    k.remove('a.yaml');
    await waitFor('alpha to be pruned', async () => ((await k.services()).has(`${k.namespace}_alpha`) ? undefined : true));
    await waitFor('the network to be free', () => first.remove().then(() => true, () => undefined));
    const second = await swarm.docker.createNetwork({ Name: network, Driver: 'overlay', Attachable: true });
    try {
      k.write('b.yaml', onNetwork(k.namespace, 'beta'));
      await k.waitForCondition('beta', 'Ready');
      const beta = (await k.services()).get(`${k.namespace}_beta`);
      expect(beta?.Spec.TaskTemplate?.Networks?.map((attachment) => attachment.Target)).toEqual([second.id]);
      // beta's first create named the replaced network's id and was refused; the retry listed the networks again.
      const betaTargets = k.swarm.created.filter((spec) => spec.Name === `${k.namespace}_beta`).map((spec) => spec.TaskTemplate?.Networks?.[0]?.Target);
      expect(betaTargets).toHaveLength(2);
      expect(betaTargets[0]).toBe(first.id);
      expect(betaTargets[1]).not.toBe(first.id);
    } finally {
      await k.stop();
      await swarm.docker.getNetwork(second.id).remove();
    }
  });

  it('never touches a foreign service that holds a manifest name, and reports the conflict', async () => {
    const namespace = uniqueName('ns');
    const foreignId = await swarm.createService({ Name: `${namespace}_alpha`, Labels: { 'com.docker.stack.namespace': namespace }, TaskTemplate: { ContainerSpec: { Image: localImages.http.name } }, Mode: { Replicated: { Replicas: 0 } } });
    const foreign = await swarm.inspectService(foreignId);
    kargo = new RunningKargo(dockerHost, namespace);
    kargo.write('a.yaml', httpManifest(namespace, 'alpha'));
    await kargo.start();
    const status = await kargo.waitForCondition('alpha', 'Stalled');
    expect(conditionOf(status, 'Stalled')?.reason).toBe('Conflict');
    expect(conditionOf(status, 'Stalled')?.message).toContain('not managed by Kargo');
    kargo.remove('a.yaml');
    await kargo.operator?.refreshSource();
    await kargo.operator?.controller.resync();
    const after = await swarm.inspectService(foreignId);
    expect(after.Version.Index).toBe(foreign.Version.Index);
    expect(kargo.swarm.writes).toMatchObject({ create: 0, update: 0, remove: 0 });
  });
});
