/**
 * Networks on the real engine: Network manifests and the namespace's default network are created
 * before the services that join them, services answer to their names on them, a network is held
 * while a service uses it, a foreign network is never touched, and a write that does not stick is
 * not sent again and again.
 */
import { describe, expect, it } from 'vitest';
import { isManagedByKargo, ownershipLabels } from '../../src/core/render/ownership.js';
import type { ObjectStatus } from '../../src/core/status/object-status.js';
import { httpManifest, useKargo, type RunningKargo } from '../support/running-kargo.js';
import { execInTask, testSwarm, waitFor } from '../support/swarm.js';

const swarm = testSwarm();
const startKargo = useKargo();

function networkManifest(namespace: string, name: string, spec = '{}'): string {
  return `apiVersion: kargo.io/v1alpha1\nkind: Network\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec: ${spec}\n`;
}

function networkStatus(k: RunningKargo, name: string): ObjectStatus | undefined {
  return k.operator?.controller.statuses.get(`Network/${k.namespace}/${name}`);
}

async function waitForNetworkCondition(k: RunningKargo, name: string, type: 'Ready' | 'Stalled', reason?: string): Promise<ObjectStatus> {
  return waitFor(`Network ${k.namespace}/${name} ${type} ${reason ?? ''}`, () => {
    const status = networkStatus(k, name);
    const condition = status?.conditions.find((c) => c.type === type && c.status === 'True');
    return condition !== undefined && (reason === undefined || condition.reason === reason) ? status : undefined;
  }, { timeoutMs: 90_000 });
}

describe('networks', () => {
  it('creates a Network and the default network before the services, gives each service its name, and a second pass writes nothing', async () => {
    const k = await startKargo({
      'network.yaml': (ns) => networkManifest(ns, 'back', '{ attachable: true }'),
      'db.yaml': (ns) => httpManifest(ns, 'db', '  networks: [back, default]\n', 'RESPONSE: answer-from-db'),
      'web.yaml': (ns) => httpManifest(ns, 'web'),
    });
    await k.waitForCondition('db', 'Ready');
    await k.waitForCondition('web', 'Ready');
    await waitForNetworkCondition(k, 'back', 'Ready');
    await waitForNetworkCondition(k, 'default', 'Ready');

    const networks = await swarm.listNetworks({ label: [`${ownershipLabels.stackNamespace}=${k.namespace}`] });
    expect(networks.map((network) => network.Name).sort()).toEqual([`${k.namespace}_back`, `${k.namespace}_default`]);
    for (const network of networks) {
      expect(isManagedByKargo(network.Labels ?? undefined)).toBe(true);
      expect(network.Labels?.[ownershipLabels.network]).toBe(`${k.namespace}/${network.Name.split('_')[1] ?? ''}`);
      expect(network.Labels?.[ownershipLabels.specHash]).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(networks.find((network) => network.Name.endsWith('_back'))?.Attachable).toBe(true);

    const services = await k.services();
    const aliases = (name: string): string[][] => (services.get(`${k.namespace}_${name}`)?.Spec.TaskTemplate?.Networks ?? []).map((network) => network.Aliases ?? []);
    expect(aliases('db')).toEqual([['db'], ['db']]);
    expect(aliases('web')).toEqual([['web']]);

    // The short name resolves on the namespace's default network, as in a stack: "db" to the
    // service's virtual IP, "tasks.db" to its tasks. The sandbox's kernel has no IPVS, which routes
    // the virtual IP, so the request goes to the task the short name resolves to.
    const reached = await waitFor('web to reach db by its short name', async () => {
      const result = await execInTask(swarm, `${k.namespace}_web`, ['wget', '-q', '-O', '-', 'http://tasks.db:8080/']);
      if (result.exitCode !== 0) throw new Error(`exit ${String(result.exitCode)}: ${result.output}`);
      return result.output;
    });
    expect(reached).toContain('answer-from-db');
    const lookup = await execInTask(swarm, `${k.namespace}_web`, ['nslookup', 'db']);
    expect(lookup.output).toMatch(/Name:\s+db\s+Address: \d+\.\d+\.\d+\.\d+/);
    const unknown = await execInTask(swarm, `${k.namespace}_web`, ['wget', '-q', '-T', '2', '-O', '-', 'http://tasks.nosuchservice:8080/']);
    expect(unknown.exitCode).not.toBe(0);

    const writes = { ...k.swarm.writes };
    await k.operator?.controller.resync();
    expect(k.swarm.writes).toEqual(writes);
  });

  it('holds a Network no manifest wants while a service uses it, and removes it once none does', async () => {
    // "keep" stays valid, so that the source never reads as empty (which would refuse every removal).
    const k = await startKargo({
      'network.yaml': (ns) => networkManifest(ns, 'back'),
      'db.yaml': (ns) => httpManifest(ns, 'db', '  networks: [back]\n'),
      'keep.yaml': (ns) => httpManifest(ns, 'keep'),
    });
    await k.waitForCondition('db', 'Ready');
    await waitForNetworkCondition(k, 'back', 'Ready');

    k.remove('network.yaml');
    const held = await waitForNetworkCondition(k, 'back', 'Stalled', 'InUse');
    expect(held.conditions.find((c) => c.type === 'Stalled')?.message).toContain(`${k.namespace}_db`);
    // db's manifest now names a network no manifest declares: it is a manifest error, and db is kept as it is.
    expect((await k.waitForCondition('db', 'Stalled')).conditions.find((c) => c.type === 'Stalled')?.reason).toBe('ManifestInvalid');
    expect((await swarm.listNetworks({ name: [`${k.namespace}_back`] })).length).toBe(1);

    k.write('db.yaml', httpManifest(k.namespace, 'db'));
    await waitFor('the unused network to be removed', async () => {
      const left = await swarm.listNetworks({ name: [`${k.namespace}_back`] });
      return left.length === 0 && networkStatus(k, 'back') === undefined ? true : undefined;
    }, { timeoutMs: 90_000 });
    await k.waitForCondition('db', 'Ready');
  });

  it('reports a foreign network of the same name as a conflict and never touches it', async () => {
    const k = await startKargo({ 'db.yaml': (ns) => httpManifest(ns, 'db') });
    await k.waitForCondition('db', 'Ready');
    const foreignId = await swarm.createNetwork({ Name: `${k.namespace}_shared`, Driver: 'overlay', Labels: { owner: 'someone-else' } });
    try {
      k.write('network.yaml', networkManifest(k.namespace, 'shared'));
      k.write('joiner.yaml', httpManifest(k.namespace, 'joiner', '  networks: [shared]\n'));
      const status = await waitForNetworkCondition(k, 'shared', 'Stalled', 'Conflict');
      expect(status.conditions.find((c) => c.type === 'Stalled')?.message).toContain('not created by Kargo');
      // A GeoService that joins the Network is not put on the foreign network of its name.
      const joiner = await k.waitForCondition('joiner', 'Stalled');
      expect(joiner.conditions.find((c) => c.type === 'Stalled')?.reason).toBe('NetworkConflict');
      expect((await k.services()).has(`${k.namespace}_joiner`)).toBe(false);
      const foreign = await swarm.inspectNetwork(foreignId);
      expect(foreign.Labels).toEqual({ owner: 'someone-else' });
      expect(k.swarm.writes.removeNetwork).toBe(0);
    } finally {
      await swarm.removeNetwork(foreignId);
    }
  });

  it('attaches to the predefined host network and then leaves the service alone', async () => {
    // The baseline denies the host network: a policy allows it here, where the engine's handling is under test.
    const policy = { origin: 'test policy', defaults: { networks: { host: true } }, namespaces: new Map() };
    const k = await startKargo({ 'host.yaml': (ns) => httpManifest(ns, 'onhost', '  networks: [{ name: host, external: true }]\n') }, { policy });
    const status = await k.waitForCondition('onhost', 'Ready');
    expect(status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    const writes = { ...k.swarm.writes };
    await k.operator?.controller.resync();
    await k.operator?.controller.resync();
    expect(k.swarm.writes).toEqual(writes);
    expect(writes.update).toBe(0);
  });

  it('stops sending an update the engine does not keep, and says which field', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'fought', '', 'RESPONSE: first') });
    await k.waitForCondition('fought', 'Ready');
    const name = `${k.namespace}_fought`;
    const original = (await k.services()).get(name);
    if (original === undefined) throw new Error('no service');
    // A competing writer puts the old spec back after every update Kargo sends.
    k.swarm.afterUpdate = async (id) => swarm.modifyService(id, () => original.Spec);
    const before = k.swarm.writes.update;
    k.write('a.yaml', httpManifest(k.namespace, 'fought', '', 'RESPONSE: second'));
    const stalled = await waitFor('fought to be Stalled', () => {
      const condition = k.status('fought')?.conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
      return condition?.reason === 'WriteNotApplied' ? condition : undefined;
    }, { timeoutMs: 60_000 });
    expect(stalled.message).toContain('TaskTemplate.ContainerSpec.Env[RESPONSE]');
    const sent = k.swarm.writes.update - before;
    expect(sent).toBeLessThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(k.swarm.writes.update - before).toBe(sent);
  });
});
