import { describe, expect, it } from 'vitest';
import type { Service } from '../../src/core/swarm/engine-api.js';
import { localImages } from '../../src/sandbox/local-images.js';
import { testSwarm, uniqueName, waitFor, waitForRunningTasks, waitForUpdateState } from '../support/swarm.js';

const swarm = testSwarm();

function envOf(service: Service): string[] | undefined {
  return service.Spec.TaskTemplate?.ContainerSpec?.Env;
}

describe('the test swarm', () => {
  it('is a swarm manager reached through its own socket', async () => {
    const info = await swarm.info();
    expect(info.Swarm.LocalNodeState).toBe('active');
    expect(info.Swarm.ControlAvailable).toBe(true);
    if (process.env['KARGO_TEST_DOCKER_HOST'] === undefined) {
      expect(info.DockerRootDir).not.toBe('/var/lib/docker');
    }
  });

  it('has the local test images', async () => {
    const tags = (await swarm.docker.listImages()).flatMap((image) => image.RepoTags ?? []);
    expect(tags).toEqual(expect.arrayContaining(Object.values(localImages).map((image) => image.name)));
  });

  it('runs a replicated service and completes a rolling update of its env', async () => {
    const name = uniqueName('web');
    const serviceId = await swarm.createService({
      Name: name,
      TaskTemplate: { ContainerSpec: { Image: localImages.http.name, Env: ['RESPONSE=first'] } },
      Mode: { Replicated: { Replicas: 2 } },
      UpdateConfig: { Parallelism: 1, Delay: 0, Order: 'start-first', Monitor: 1_000_000_000, FailureAction: 'pause' },
    });
    try {
      await waitForRunningTasks(swarm, serviceId, 2);

      const before = await swarm.inspectService(serviceId);
      expect(before.Spec.Name).toBe(name);
      expect(before.Spec.Mode?.Replicated?.Replicas).toBe(2);
      expect(envOf(before)).toEqual(['RESPONSE=first']);

      const template = before.Spec.TaskTemplate;
      await swarm.updateService(serviceId, before.Version.Index, {
        ...before.Spec,
        TaskTemplate: { ...template, ContainerSpec: { ...template?.ContainerSpec, Env: ['RESPONSE=second'] } },
      });

      const after = await waitForUpdateState(swarm, serviceId, 'completed', { timeoutMs: 90_000 });
      expect(envOf(after)).toEqual(['RESPONSE=second']);
      await waitForRunningTasks(swarm, serviceId, 2);
      const tasks = await swarm.listTasks({ service: [serviceId], 'desired-state': ['running'] });
      expect(tasks.map((task) => task.Spec?.ContainerSpec?.Env)).toEqual([['RESPONSE=second'], ['RESPONSE=second']]);
    } finally {
      await swarm.removeService(serviceId);
    }
    await waitFor('the service to be gone', async () => {
      const services = await swarm.listServices({ name: [name] });
      return services.length === 0 ? true : undefined;
    });
  });
});
