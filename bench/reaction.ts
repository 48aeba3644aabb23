/**
 * Measurement 4: a long-running Kargo, in-process and watching, on the N services the converge
 * series left: how long from a manifest file write to the update request, and from an
 * out-of-band edit of a service to Kargo's reverting update.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { SwarmClient } from '../src/adapters/docker/swarm-client.js';
import { kargoVersion } from '../src/cli/version.js';
import { parseRunConfig } from '../src/cli/run-config.js';
import type { ServiceSpec } from '../src/core/swarm/engine-api.js';
import { createLogger } from '../src/observability/logger.js';
import { startRuntime, type KargoRuntime } from '../src/runtime/kargo-runtime.js';
import type { PrivateEngine } from '../src/sandbox/private-engine.js';
import { namesAt } from './converge.js';
import { benchServices, manifestPath, manifestYaml, withEnv } from './fixtures.js';
import { percentile, quiet, sleep } from './measure.js';
import { dockerdPid, processCpuMs } from './system.js';
import type { Say } from './progress.js';
import { mark, ms, type Miss, type Row } from './report.js';

/** Targets of the issue: p99 of file write → update sent, and of out-of-band edit → reverted. */
export const fileTargetMs = 1000;
export const driftTargetMs = 2000;
const waitForUpdateMs = 15_000;

/** An update Kargo sent: when the request left and when the engine answered it. */
interface SentUpdate {
  readonly sentAt: number;
  readonly doneAt: number;
}

/** The real client, telling the bench when an update of a given service was sent and answered. */
class ObservedSwarmClient extends SwarmClient {
  private readonly waiters = new Map<string, (update: SentUpdate) => void>();

  override async updateService(id: string, version: number, spec: ServiceSpec): Promise<void> {
    const sentAt = performance.now();
    await super.updateService(id, version, spec);
    const doneAt = performance.now();
    const name = spec.Name ?? '';
    const waiter = this.waiters.get(name);
    this.waiters.delete(name);
    waiter?.({ sentAt, doneAt });
  }

  /** The next update of service `name`, or undefined after `timeoutMs`. */
  nextUpdate(name: string, timeoutMs: number): Promise<SentUpdate | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(name);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.set(name, (update) => {
        clearTimeout(timer);
        resolve(update);
      });
    });
  }
}

export interface ReactionResult {
  readonly n: number;
  readonly debounce: string;
  readonly workers: number;
  /** Writes by kargo_docker_api_requests_total during the first full sync (expected 0). */
  readonly firstSyncWrites: number;
  readonly firstSyncMs: number;
  /** File write → update request sent / answered, ms. */
  readonly fileSent: number[];
  readonly fileDone: number[];
  /** Out-of-band edit → Kargo's update sent / answered (reverted), ms. */
  readonly driftSent: number[];
  readonly driftDone: number[];
  /** Edits Kargo never answered within the wait, and drift it answered but did not undo. */
  readonly missed: number;
  readonly notReverted: number;
  /** Writes by kargo_docker_api_requests_total over the whole run. */
  readonly totalWrites: number;
}

async function dockerWrites(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('kargo_docker_api_requests_total');
  if (metric === undefined) return Number.NaN;
  const data = await metric.get();
  return data.values
    .filter((value) => ['create_service', 'update_service', 'remove_service'].includes(String(value.labels['operation'])))
    .reduce((sum, value) => sum + value.value, 0);
}

async function waitSettled(runtime: KargoRuntime, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!runtime.operator.controller.settled && performance.now() < deadline) await sleep(20);
}

export async function measureReaction(engine: PrivateEngine, n: number, edits: number, workers: number, debounce: string, root: string, say: Say): Promise<ReactionResult> {
  const names = namesAt(n);
  const dir = join(root, names.manifests);
  const services = benchServices(n);
  const config = parseRunConfig(['--manifests', dir, '--namespaces', names.namespace, '--workers', String(workers), '--debounce', debounce], {});
  const swarm = new ObservedSwarmClient(SwarmClient.connect(engine.dockerHost).docker, engine.dockerHost);
  const dockerd = dockerdPid(engine.stateDir);
  await quiet(() => processCpuMs(dockerd));
  const startedAt = performance.now();
  const runtime = await startRuntime({ swarm, logger: createLogger('silent'), version: kargoVersion(), listen: '127.0.0.1:0', settings: { ...config, retryFailures: true, watch: true } });
  const result = {
    n, debounce, workers, firstSyncWrites: 0, firstSyncMs: 0,
    fileSent: [] as number[], fileDone: [] as number[], driftSent: [] as number[], driftDone: [] as number[],
    missed: 0, notReverted: 0, totalWrites: 0,
  };
  const metrics = runtime.metrics;
  try {
    if (metrics === undefined) throw new Error('a listening Kargo keeps its metrics');
    await runtime.started;
    result.firstSyncMs = performance.now() - startedAt;
    result.firstSyncWrites = await dockerWrites(metrics.registry);
    await waitSettled(runtime, 10_000);
    const step = Math.max(1, Math.floor(n / edits));
    say(`  reaction N=${String(n)}: ${String(edits)} manifest edits`);
    for (let i = 0; i < edits; i++) {
      const service = services[(i * step) % n];
      if (service === undefined) continue;
      const waiting = swarm.nextUpdate(`${names.namespace}_${service.name}`, waitForUpdateMs);
      const text = manifestYaml(withEnv(service, 'RESPONSE', `edit ${String(i)}`), names.namespace);
      const writtenAt = performance.now();
      writeFileSync(manifestPath(dir, service), text);
      const update = await waiting;
      if (update === undefined) result.missed += 1;
      else {
        result.fileSent.push(update.sentAt - writtenAt);
        result.fileDone.push(update.doneAt - writtenAt);
      }
      await waitSettled(runtime, 5000);
    }
    say(`  reaction N=${String(n)}: ${String(edits)} out-of-band edits`);
    const offset = Math.floor(step / 2) + (step === 1 ? Math.floor(n / 2) : 0);
    for (let i = 0; i < edits; i++) {
      const service = services[(i * step + offset) % n];
      if (service === undefined) continue;
      const name = `${names.namespace}_${service.name}`;
      const live = await engine.swarm.inspectService(name);
      const container = live.Spec.TaskTemplate?.ContainerSpec;
      const drifted: ServiceSpec = {
        ...live.Spec,
        TaskTemplate: { ...live.Spec.TaskTemplate, ContainerSpec: { ...container, Env: [...(container?.Env ?? []), `DRIFT=${String(i)}`] } },
      };
      const waiting = swarm.nextUpdate(name, waitForUpdateMs);
      const editedAt = performance.now();
      await engine.docker.getService(live.ID).update({ ...drifted, version: live.Version.Index });
      const update = await waiting;
      if (update === undefined) result.missed += 1;
      else {
        result.driftSent.push(update.sentAt - editedAt);
        result.driftDone.push(update.doneAt - editedAt);
        const after = await engine.swarm.inspectService(name);
        if (after.Spec.TaskTemplate?.ContainerSpec?.Env?.some((env) => env.startsWith('DRIFT=')) === true) result.notReverted += 1;
      }
      await waitSettled(runtime, 5000);
    }
    result.totalWrites = await dockerWrites(metrics.registry);
  } finally {
    await runtime.stop();
  }
  return result;
}

function summary(values: readonly number[]): string {
  return `p50 ${ms(percentile(values, 50))}, p99 ${ms(percentile(values, 99))}`;
}

/** Rows 4a and 4b, and the targets they missed. */
export function reactionRows(result: ReactionResult): { rows: Row[]; misses: Miss[] } {
  const { n } = result;
  const names = namesAt(n);
  const misses: Miss[] = [];
  const fileP99 = percentile(result.fileSent, 99);
  const driftP99 = percentile(result.driftDone, 99);
  const count = (values: readonly number[]): string => `${String(values.length)} edits`;
  const fileMet = fileP99 < fileTargetMs && result.missed === 0;
  const driftMet = driftP99 < driftTargetMs && result.missed === 0 && result.notReverted === 0;
  if (!fileMet) misses.push({ what: `Reaction to a manifest edit at N=${String(n)}`, why: `p99 ${ms(fileP99)} (target < ${ms(fileTargetMs)}); ${String(result.missed)} edit(s) not answered within ${ms(waitForUpdateMs)}. See "Why" below.` });
  if (!driftMet) misses.push({ what: `Reverting an out-of-band edit at N=${String(n)}`, why: `p99 ${ms(driftP99)} (target < ${ms(driftTargetMs)}); ${String(result.notReverted)} not reverted.` });
  const command = `\`kargo run --manifests $BENCH/${names.manifests} --namespaces ${names.namespace} --workers ${String(result.workers)} --debounce ${result.debounce} --listen 127.0.0.1:0\` (in-process startRuntime, watching files and Docker events)`;
  const rows: Row[] = [
    {
      what: '4a. Reaction: manifest file write → update request sent',
      n,
      kargo: `${summary(result.fileSent)} (${count(result.fileSent)}; update answered: ${summary(result.fileDone)}); first sync on the ${String(n)} existing services sent ${String(result.firstSyncWrites)} writes`,
      stack: '— (does not watch; runs when CI or a person runs it)',
      verdict: `target p99 < ${ms(fileTargetMs)} ${mark(fileMet)}`,
      command,
    },
    {
      what: '4b. Reaction: out-of-band edit (dockerode service update) → reverted',
      n,
      kargo: `${summary(result.driftDone)} until Kargo's reverting update was answered (request sent: ${summary(result.driftSent)}; ${count(result.driftDone)}, ${String(result.notReverted)} left unreverted)`,
      stack: '— (never looks at the live service)',
      verdict: `target p99 < ${ms(driftTargetMs)} ${mark(driftMet)}`,
      command,
    },
  ];
  return { rows, misses };
}
