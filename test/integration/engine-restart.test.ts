import { afterAll, describe, expect, it } from 'vitest';
import { buildLocalImages, localImages } from '../../src/sandbox/local-images.js';
import { startPrivateEngine, type PrivateEngine } from '../../src/sandbox/private-engine.js';
import { httpManifest, RunningKargo } from '../support/running-kargo.js';
import { waitFor } from '../support/swarm.js';

// This test stops and starts its engine, so it gets one of its own rather than the shared one.
let engine: PrivateEngine | undefined;
let kargo: RunningKargo | undefined;

afterAll(async () => {
  await kargo?.stop();
  await engine?.stop();
});

describe('kargo run while the engine goes away', () => {
  it('keeps running, reports not ready, and converges once the engine is back', async () => {
    engine = await startPrivateEngine();
    await buildLocalImages(engine.docker, [localImages.http]);
    kargo = new RunningKargo(engine.dockerHost, 'restart');
    kargo.write('a.yaml', httpManifest('restart', 'alpha'));
    const operator = await kargo.start();
    await kargo.waitForCondition('alpha', 'Ready');
    expect(operator.readiness()).toEqual({ ready: true });

    await engine.stopDaemon();
    const notReady = await waitFor('Kargo to report not ready', () => {
      const readiness = operator.readiness();
      return readiness.ready ? undefined : readiness;
    }, { timeoutMs: 30_000 });
    expect(notReady.reason).toContain('Docker engine is not reachable');
    const readyz = await kargo.get('/readyz');
    expect(readyz.status).toBe(503);
    expect(readyz.body).toContain('Docker engine is not reachable');
    kargo.write('a.yaml', httpManifest('restart', 'alpha', '', 'RESPONSE: while-down'));
    await waitFor('a failed reconcile while the engine is down', () => (operator.controller.failingKeys.has('restart/alpha') ? true : undefined), { timeoutMs: 30_000 });

    await engine.startDaemon();
    await waitFor('Kargo to be ready again', () => (operator.readiness().ready ? true : undefined), { timeoutMs: 60_000 });
    const swarm = kargo.swarm;
    await waitFor('the change made while down to be applied', async () => {
      const [service] = await swarm.listServices({ name: ['restart_alpha'] });
      return service?.Spec.TaskTemplate?.ContainerSpec?.Env?.includes('RESPONSE=while-down') === true ? true : undefined;
    }, { timeoutMs: 60_000 });
    await kargo.waitForCondition('alpha', 'Ready');
    expect((await kargo.get('/readyz')).status).toBe(200);
  });
});
