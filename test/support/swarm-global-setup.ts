/**
 * Vitest global setup of the integration project: one real Docker Engine in swarm mode for the
 * whole run, private to it, with the local test images built. Tests reach it via `inject`.
 *
 * Set KARGO_TEST_DOCKER_HOST to use an existing engine instead (it must be a swarm manager):
 * nothing is started or stopped then, and only the services this run named are removed.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import { buildLocalImages } from '../../src/sandbox/local-images.js';
import { startPrivateEngine } from '../../src/sandbox/private-engine.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DOCKER_HOST of the test swarm. */
    dockerHost: string;
    /** Short id of this test run; every name a test creates starts with it. */
    runId: string;
    /** The private engine's state directory and network namespace; null for an existing engine (KARGO_TEST_DOCKER_HOST). */
    engineLayout: { stateDir: string; netns: string } | null;
  }
}

const say = (line: string): void => {
  console.log(`[test swarm] ${line}`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `t${randomBytes(3).toString('hex')}`;
  project.provide('runId', runId);
  const existing = process.env['KARGO_TEST_DOCKER_HOST'];
  if (existing !== undefined && existing !== '') {
    say(`using the existing engine at ${existing} (KARGO_TEST_DOCKER_HOST)`);
    const swarm = SwarmClient.connect(existing);
    await buildLocalImages(swarm.docker, undefined, say);
    project.provide('dockerHost', existing);
    project.provide('engineLayout', null);
    return async () => {
      const services = await swarm.listServices();
      const ours = services.filter((service) => service.Spec.Name?.startsWith(runId) === true);
      await Promise.all(ours.map((service) => swarm.removeService(service.ID)));
    };
  }
  const started = Date.now();
  const engine = await startPrivateEngine({ say });
  try {
    await buildLocalImages(engine.docker, undefined, say);
  } catch (error) {
    await engine.stop();
    throw error;
  }
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s at ${engine.dockerHost}`);
  project.provide('dockerHost', engine.dockerHost);
  project.provide('engineLayout', { stateDir: engine.stateDir, netns: engine.netns });
  return async () => {
    await engine.stop();
    say('engine stopped and removed');
  };
}
