/** What integration tests use to work with the test swarm started by the global setup. */
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import type { Service, UpdateState } from '../../src/core/swarm/engine-api.js';
import { describeError } from '../../src/errors.js';

/** Kargo's Swarm client bound to the test swarm (never the machine's default engine); `.docker` is dockerode. */
export function testSwarm(): SwarmClient {
  return SwarmClient.connect(inject('dockerHost'));
}

let counter = 0;
/** A name unique to this run and this test worker, safe for services, networks and volumes. */
export function uniqueName(base: string): string {
  counter += 1;
  return `${inject('runId')}-${base}-${process.pid.toString(36)}${counter}`;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than undefined. On time-out the error says what
 * was awaited and what was last seen, so a failing test explains itself.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(options.intervalMs ?? 200);
  }
  const detail = lastError === undefined ? '' : ` (last error: ${describeError(lastError)})`;
  throw new Error(`timed out waiting for ${what}${detail}`);
}

/** Waits until exactly `count` tasks of the service are running. */
export async function waitForRunningTasks(swarm: SwarmClient, serviceId: string, count: number): Promise<void> {
  await waitFor(`${count} running tasks of ${serviceId}`, async () => {
    const tasks = await swarm.listTasks({ service: [serviceId], 'desired-state': ['running'] });
    const running = tasks.filter((task) => task.Status?.State === 'running');
    return running.length === count ? true : undefined;
  });
}

/** Waits until the service's rolling update reaches `state` and returns the service as then inspected. */
export async function waitForUpdateState(
  swarm: SwarmClient,
  serviceId: string,
  state: UpdateState,
  options: WaitOptions = {},
): Promise<Service> {
  const finalStates: (UpdateState | undefined)[] = ['completed', 'paused', 'rollback_completed', 'rollback_paused'];
  return waitFor(
    `UpdateStatus.State == ${state} of ${serviceId}`,
    async () => {
      const service = await swarm.inspectService(serviceId);
      const seen = service.UpdateStatus?.State;
      if (seen === state) return service;
      if (finalStates.includes(seen)) {
        throw new Error(`the update ended ${seen ?? ''}: ${service.UpdateStatus?.Message ?? ''}`);
      }
      return undefined;
    },
    options,
  );
}

/** Runs a command in the running task of a service and returns what it printed and its exit code. */
export async function execInTask(client: SwarmClient, serviceName: string, command: string[]): Promise<{ output: string; exitCode: number }> {
  const task = await waitFor(`a running task of ${serviceName}`, async () => {
    const tasks = await client.listTasks({ service: [serviceName], 'desired-state': ['running'] });
    return tasks.find((candidate) => candidate.Status?.State === 'running' && candidate.Status.ContainerStatus?.ContainerID !== undefined);
  });
  const container = client.docker.getContainer(task.Status?.ContainerStatus?.ContainerID ?? '');
  const exec = await container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  client.docker.modem.demuxStream(stream, output, output);
  await new Promise<void>((resolve) => stream.on('end', () => resolve()));
  const inspected = (await exec.inspect()) as { ExitCode: number | null };
  return { output: Buffer.concat(chunks).toString(), exitCode: inspected.ExitCode ?? -1 };
}
