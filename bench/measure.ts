/** Small measuring helpers: percentiles, child processes, service versions. */
import { spawn } from 'node:child_process';
import type { SwarmClient } from '../src/adapters/docker/swarm-client.js';
import { registerChild } from './engine.js';

/** The p-th percentile (0–100) of `values`, nearest-rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves after `ms` without keeping the process alive: for the losing side of a race. */
export const timeout = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** What a finished child process said. */
export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a command to completion (killed if the bench is interrupted), timing it from spawn to exit. */
export function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) });
    registerChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/** Service name → version index of the services of a stack namespace. */
export async function serviceVersions(swarm: SwarmClient, namespace: string): Promise<Map<string, number>> {
  const services = await swarm.listServices({ label: [`com.docker.stack.namespace=${namespace}`] });
  return new Map(services.map((service) => [service.Spec.Name ?? service.ID, service.Version.Index]));
}

/**
 * The versions once they stopped moving (Swarm's allocator bumps a new service's version on its
 * own shortly after a create): two reads `quietMs` apart agree, or `timeoutMs` passed.
 */
export async function settledVersions(swarm: SwarmClient, namespace: string, quietMs = 500, timeoutMs = 15_000): Promise<Map<string, number>> {
  const deadline = performance.now() + timeoutMs;
  let previous = await serviceVersions(swarm, namespace);
  for (;;) {
    await sleep(quietMs);
    const current = await serviceVersions(swarm, namespace);
    if (movedServices(previous, current).length === 0 || performance.now() > deadline) return current;
    previous = current;
  }
}

/** Names of services whose version index differs between two reads (new or gone ones count). */
export function movedServices(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort();
}

/** CPU time a piece of work cost: the tool's own and the engine's (dockerd), in ms. */
export interface CpuCost {
  readonly toolMs: number;
  readonly engineMs: number;
}

/** Runs `work`, measuring the CPU time `toolCpu` and the process `enginePid` spent meanwhile. */
export async function withCpu<T>(toolCpu: () => number, engineCpu: () => number, work: () => Promise<T>): Promise<{ result: T; cpu: CpuCost }> {
  const tool = toolCpu();
  const engine = engineCpu();
  const result = await work();
  return { result, cpu: { toolMs: toolCpu() - tool, engineMs: engineCpu() - engine } };
}

/**
 * Waits until a process (dockerd) is nearly idle, so that a timed run does not pay for the
 * background work of the one before (Swarm deallocating removed services, for one): its CPU over
 * `intervalMs` stays under `share` of one core, or `timeoutMs` passes.
 */
export async function quiet(cpuMs: () => number, intervalMs = 500, share = 0.1, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const before = cpuMs();
    await sleep(intervalMs);
    if (cpuMs() - before < intervalMs * share) return;
  }
}

/** Removes every service of a stack namespace (a few at a time) and waits until they are gone. */
export async function removeNamespace(swarm: SwarmClient, namespace: string, concurrency = 8): Promise<void> {
  const filters = { label: [`com.docker.stack.namespace=${namespace}`] };
  const services = await swarm.listServices(filters);
  for (let i = 0; i < services.length; i += concurrency) {
    await Promise.all(services.slice(i, i + concurrency).map((service) => swarm.removeService(service.ID)));
  }
  for (let i = 0; i < 300 && (await swarm.listServices(filters)).length > 0; i++) await sleep(100);
}
