import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { conditionOf } from '../../src/core/status/object-status.js';
import { httpManifest, rollOutCrash, RunningKargo, useKargo } from '../support/running-kargo.js';
import { runKargo } from '../support/cli.js';
import { uniqueName, waitFor } from '../support/swarm.js';

const dockerHost = inject('dockerHost');
/** A Kargo a test starts by hand (not through startKargo), stopped after it. */
let kargo: RunningKargo | undefined;

afterEach(async () => {
  await kargo?.stop();
  kargo = undefined;
});

const startKargo = useKargo();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('kargo run keeps services safe', () => {
  it('keeps the service of a manifest made invalid exactly as it was, reports it, and resumes once fixed', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') });
    await k.waitForCondition('alpha', 'Ready');
    const before = (await k.services()).get(`${k.namespace}_alpha`);
    k.write('a.yaml', `${httpManifest(k.namespace, 'alpha')}  replicas: [broken\n`);
    const stalled = await k.waitForCondition('alpha', 'Stalled');
    expect(conditionOf(stalled, 'Stalled')?.reason).toBe('ManifestInvalid');
    expect(conditionOf(stalled, 'Stalled')?.message).toMatch(/a\.yaml:\d+:\d+: /);
    await k.operator?.controller.resync();
    const during = (await k.services()).get(`${k.namespace}_alpha`);
    expect(during?.Version.Index).toBe(before?.Version.Index);
    k.write('a.yaml', httpManifest(k.namespace, 'alpha', '', 'RESPONSE: fixed'));
    await waitFor('the fixed manifest to be applied', async () => {
      const service = (await k.services()).get(`${k.namespace}_alpha`);
      return service?.Spec.TaskTemplate?.ContainerSpec?.Env?.includes('RESPONSE=fixed') === true ? true : undefined;
    });
    await k.waitForCondition('alpha', 'Ready');
  });

  it('marks a rollout that Swarm rolled back Stalled and does not apply it again', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') });
    const { stalled } = await rollOutCrash(k, 'a.yaml', 'alpha');
    expect(conditionOf(stalled, 'Stalled')?.reason).toBe('RolledBack');
    expect(stalled.updateStatus?.state).toBe('rollback_completed');
    const updates = k.swarm.writes.update;
    // The rollout, then the io.kargo.rolled-back label that remembers it across restarts.
    expect(updates).toBe(2);
    const labels = (await k.services()).get(`${k.namespace}_alpha`)?.Spec.Labels ?? {};
    expect(labels['io.kargo.rolled-back']).toMatch(/.+/);
    expect(labels['io.kargo.rolled-back']).not.toBe(labels['io.kargo.spec-hash']);
    await k.operator?.controller.resync();
    await sleep(2000);
    await k.operator?.controller.resync();
    expect(k.swarm.writes.update).toBe(updates);
    const service = (await k.services()).get(`${k.namespace}_alpha`);
    expect(service?.Spec.TaskTemplate?.ContainerSpec?.Image).toBe('kargo-local/http:1');
  });

  it('keeps a service whose manifest moved into a file that does not parse, and prunes it once every file loads', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha'), 'b.yaml': (ns) => httpManifest(ns, 'beta') });
    await k.waitForCondition('alpha', 'Ready');
    // The move and the typo land together: the service's io.kargo.source label still names a.yaml.
    k.remove('a.yaml');
    k.write('team/alpha.yaml', httpManifest(k.namespace, 'alpha').replace('metadata: {', 'metadata: {{'));
    const held = await k.waitForCondition('alpha', 'Stalled');
    expect(conditionOf(held, 'Stalled')?.message).toContain('team/alpha.yaml could not be read far enough');
    expect((await k.services()).has(`${k.namespace}_alpha`)).toBe(true);
    expect(k.swarm.writes.remove).toBe(0);
    k.write('team/alpha.yaml', httpManifest(k.namespace, 'gamma'));
    await waitFor('alpha to be pruned once every file loads (no periodic resync runs here)', async () =>
      (await k.services()).has(`${k.namespace}_alpha`) ? undefined : true,
    );
    expect([...(await k.services()).keys()].sort()).toEqual([`${k.namespace}_beta`, `${k.namespace}_gamma`]);
  });

  it('reports hostile files beside valid manifests, converges the valid ones and prunes nothing', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha'), 'b.yaml': (ns) => httpManifest(ns, 'beta') });
    await k.waitForCondition('beta', 'Ready');
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
    try {
      // beta's manifest goes while hostile files arrive: nothing may be pruned until they are fixed.
      k.remove('b.yaml');
      symlinkSync('/dev/zero', join(k.dir, 'zero.yaml'));
      symlinkSync('/etc', join(k.dir, 'etc'));
      execFileSync('mkfifo', [join(k.dir, 'pipe.yaml')]);
      k.write('deep.yaml', '['.repeat(1024 * 1024 - 1));
      k.write('docs.yaml', '---\n'.repeat(200_000));
      k.write('c.yaml', httpManifest(k.namespace, 'gamma'));
      await k.waitForCondition('gamma', 'Ready');
      const { body } = await k.get('/api/v1/geoservices');
      for (const code of ['outside-root', 'not-a-regular-file', 'yaml-too-deep', 'too-many-documents']) expect(body).toContain(code);
      await k.operator?.controller.resync();
      expect((await k.services()).has(`${k.namespace}_beta`)).toBe(true);
      expect(k.swarm.writes.remove).toBe(0);
    } finally {
      clearInterval(sampler);
    }
    console.log(`peak RSS of the test process (Kargo in-process) with hostile files: ${String(Math.round(peakRss / 1024 / 1024))} MiB`);
    expect(peakRss).toBeLessThan(512 * 1024 * 1024);
  });

  it('does not remove services when the directory is emptied', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') });
    await k.waitForCondition('alpha', 'Ready');
    k.remove('a.yaml');
    const held = await k.waitForCondition('alpha', 'Stalled');
    expect(conditionOf(held, 'Stalled')?.message).toContain('--allow-empty');
    expect((await k.services()).has(`${k.namespace}_alpha`)).toBe(true);
    expect(k.swarm.writes.remove).toBe(0);
  });

  it('removes services when the directory is emptied under --allow-empty', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') }, { allowEmpty: true });
    await k.waitForCondition('alpha', 'Ready');
    k.remove('a.yaml');
    await waitFor('alpha to be pruned', async () => ((await k.services()).size === 0 ? true : undefined));
  });

  it('measures the time from a manifest write to the update being sent', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') });
    await k.waitForCondition('alpha', 'Ready');
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const updatesBefore = k.swarm.writes.update;
      const written = performance.now();
      k.write('a.yaml', httpManifest(k.namespace, 'alpha', '', `RESPONSE: edit-${String(i)}`));
      await waitFor('the update to be sent', () => (k.swarm.writes.update > updatesBefore ? true : undefined), { intervalMs: 5 });
      samples.push(performance.now() - written);
      await k.waitForCondition('alpha', 'Ready');
    }
    samples.sort((a, b) => a - b);
    console.log(`manifest write → update sent: min ${samples[0]?.toFixed(0) ?? ''} ms, median ${samples[2]?.toFixed(0) ?? ''} ms, max ${samples[4]?.toFixed(0) ?? ''} ms`);
    expect(samples).toHaveLength(5);
  });
});

describe('kargo run --once', () => {
  it('exits 0 once every service converged, and writes nothing on a second pass', async () => {
    const namespace = uniqueName('ns');
    kargo = new RunningKargo(dockerHost, namespace);
    kargo.write('a.yaml', httpManifest(namespace, 'alpha'));
    const args = ['run', '--once', '--manifests', kargo.dir, '--namespaces', namespace, '--log-level', 'silent'];
    const first = await runKargo(args, { DOCKER_HOST: dockerHost });
    expect(first.code).toBe(0);
    const before = (await kargo.services()).get(`${namespace}_alpha`);
    const second = await runKargo(args, { DOCKER_HOST: dockerHost });
    expect(second.code).toBe(0);
    expect((await kargo.services()).get(`${namespace}_alpha`)?.Version.Index).toBe(before?.Version.Index);
  });

  it('exits 1 when a manifest is invalid', async () => {
    const namespace = uniqueName('ns');
    kargo = new RunningKargo(dockerHost, namespace);
    kargo.write('a.yaml', httpManifest(namespace, 'alpha'));
    kargo.write('b.yaml', httpManifest(namespace, 'beta').replace('replicas: 1', 'replicas: many'));
    const result = await runKargo(['run', '--once', '--manifests', kargo.dir, '--namespaces', namespace, '--log-level', 'silent'], { DOCKER_HOST: dockerHost });
    expect(result.code).toBe(1);
    expect((await kargo.services()).has(`${namespace}_alpha`)).toBe(true);
  });

  it('says what to do when the engine is not a swarm manager', async () => {
    const result = runKargo(['run', '--once'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    await expect(result).rejects.toThrow(/cannot reach the Docker engine/);
  });
});


