/** GeoJobs on the real engine: one-shot and scheduled runs, results, concurrency, deadlines, restarts. */
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ownershipLabels } from '../../src/core/render/ownership.js';
import type { ObjectStatus } from '../../src/core/status/object-status.js';
import type { Service } from '../../src/core/swarm/engine-api.js';
import { RunningKargo, useKargo } from '../support/running-kargo.js';
import { runKargo } from '../support/cli.js';
import { uniqueName, waitFor } from '../support/swarm.js';

const dockerHost = inject('dockerHost');
const startKargo = useKargo();
let kargo: RunningKargo | undefined;
afterEach(async () => {
  await kargo?.stop();
  kargo = undefined;
});

/** A GeoJob on the local busybox job image, running `script` with sh. */
function jobManifest(namespace: string, name: string, script: string, extra = ''): string {
  return `apiVersion: kargo.io/v1alpha1
kind: GeoJob
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  image: kargo-local/job:1
  command: [sh, -c, ${JSON.stringify(script)}]
  stopGracePeriod: 1s
${extra}`;
}

function jobStatus(k: RunningKargo, name: string): ObjectStatus | undefined {
  return k.operator?.controller.statuses.get(`GeoJob/${k.namespace}/${name}`);
}

function condition(k: RunningKargo, name: string, type: 'Ready' | 'Stalled' | 'Reconciling'): boolean {
  return jobStatus(k, name)?.conditions.some((c) => c.type === type && c.status === 'True') === true;
}

/** The job's run services, oldest slot first. */
async function runsOf(k: RunningKargo, name: string): Promise<Service[]> {
  const services = [...(await k.services()).values()].filter((service) => (service.Spec.Name ?? '').startsWith(`${k.namespace}_${name}-`));
  return services.sort((a, b) => (a.Spec.Name ?? '').localeCompare(b.Spec.Name ?? ''));
}

const slotOf = (service: Service): string => service.Spec.Labels?.[ownershipLabels.runSlot] ?? '';

/** Whether a run's tasks are still under way (not complete, failed or shut down). */
async function activeRuns(k: RunningKargo, runs: readonly Service[]): Promise<string[]> {
  if (runs.length === 0) return [];
  const tasks = await k.swarm.listTasks({ service: runs.map((run) => run.ID) });
  const done = ['complete', 'failed', 'rejected', 'shutdown', 'orphaned', 'remove'];
  return runs.filter((run) => tasks.some((task) => task.ServiceID === run.ID && !done.includes(task.Status?.State ?? ''))).map((run) => run.Spec.Name ?? '');
}

describe('a GeoJob without schedule', () => {
  it('runs once, is Ready after success, runs again only when its spec changes, and says why a run failed', async () => {
    const k = await startKargo({ 'job.yaml': (ns) => jobManifest(ns, 'seed', 'echo seeding') });
    await waitFor('the seed job Ready', () => condition(k, 'seed', 'Ready') || undefined, { timeoutMs: 60_000 });
    const first = await runsOf(k, 'seed');
    expect(first.map(slotOf)).toEqual([expect.stringMatching(/^spec-[0-9a-f]{14}$/)]);
    expect(jobStatus(k, 'seed')?.job?.lastSuccessful).toMatchObject({ result: 'succeeded', exitCode: 0, name: first[0]?.Spec.Name });
    await k.operator?.controller.resync();
    expect((await runsOf(k, 'seed')).map((run) => run.ID)).toEqual(first.map((run) => run.ID));
    expect(k.swarm.writes.create).toBe(1);

    k.write('job.yaml', jobManifest(k.namespace, 'seed', 'exit 3'));
    const stalled = await waitFor('the failed run', () => (condition(k, 'seed', 'Stalled') ? jobStatus(k, 'seed') : undefined), { timeoutMs: 60_000 });
    const why = stalled.conditions.find((c) => c.type === 'Stalled');
    expect([why?.reason, why?.message]).toEqual(['RunFailed', expect.stringMatching(/exit code 3/) as unknown]);
    expect(stalled.job?.lastFailed).toMatchObject({ result: 'failed', exitCode: 3 });
    expect(stalled.job?.lastFailed?.error).toMatch(/exit/);
    expect((await runsOf(k, 'seed')).length).toBe(2);
  });

  it('stops a run past its activeDeadline, counts it failed, and does not start it again', async () => {
    const k = await startKargo({ 'job.yaml': (ns) => jobManifest(ns, 'slow', 'sleep 60', '  activeDeadline: 2s\n') });
    const stalled = await waitFor('the deadline', () => (condition(k, 'slow', 'Stalled') ? jobStatus(k, 'slow') : undefined), { timeoutMs: 60_000 });
    expect(stalled.job?.lastFailed?.error).toMatch(/activeDeadline/);
    expect(await runsOf(k, 'slow')).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(k.swarm.writes.create).toBe(1);
  });

  it('`run --once` waits for the run: exit 0 on success, 1 on failure', async () => {
    const namespace = uniqueName('ns');
    kargo = new RunningKargo(dockerHost, namespace);
    const args = ['run', '--once', '--manifests', kargo.dir, '--namespaces', namespace, '--log-level', 'silent'];
    kargo.write('job.yaml', jobManifest(namespace, 'once', 'sleep 1; echo done'));
    expect((await runKargo(args, { DOCKER_HOST: dockerHost })).code).toBe(0);
    kargo.write('job.yaml', jobManifest(namespace, 'once', 'sleep 1; exit 4'));
    expect((await runKargo(args, { DOCKER_HOST: dockerHost })).code).toBe(1);
    expect((await runsOf(kargo, 'once')).length).toBe(2);
  });
});

describe('a GeoJob\'s files and removal', () => {
  it('mounts its configs into each run, and prunes its runs and configs when its manifest goes', async () => {
    const config = '  configs: [{ content: "fetch=hubeau\\n", target: /job/conf.txt }]\n';
    // A second manifest, so that removing the first does not empty the source (which prunes nothing).
    const k = await startKargo({ 'job.yaml': (ns) => jobManifest(ns, 'conf', 'grep -q fetch=hubeau /job/conf.txt', config), 'keep.yaml': (ns) => jobManifest(ns, 'yearly', 'true', '  schedule: "0 0 1 1 *"\n') });
    await waitFor('the run that reads its config', () => condition(k, 'conf', 'Ready') || undefined, { timeoutMs: 60_000 });
    const configs = await k.swarm.listFileObjects('config', { label: [`${ownershipLabels.geoJob}=${k.namespace}/conf`] });
    expect(configs.length).toBe(1);
    k.write('job.yaml', jobManifest(k.namespace, 'conf', 'true', '  schedule: "every minute"\n'));
    const held = await waitFor('the broken manifest held', () => (condition(k, 'conf', 'Stalled') ? jobStatus(k, 'conf') : undefined), { timeoutMs: 30_000 });
    expect(held.conditions.find((c) => c.type === 'Stalled')?.reason).toBe('ManifestInvalid');
    expect((await runsOf(k, 'conf')).length).toBe(1);
    k.remove('job.yaml');
    await waitFor('the runs pruned', async () => ((await runsOf(k, 'conf')).length === 0 && jobStatus(k, 'conf') === undefined ? true : undefined), { timeoutMs: 30_000 });
    await waitFor('its config removed', async () => ((await k.swarm.listFileObjects('config', { label: [`${ownershipLabels.geoJob}=${k.namespace}/conf`] })).length === 0 ? true : undefined), { timeoutMs: 30_000 });
  });
});

describe('a scheduled GeoJob', () => {
  it('runs on a 6-field schedule, each slot once, and reports success', async () => {
    const k = await startKargo({ 'job.yaml': (ns) => jobManifest(ns, 'tick', 'echo tick', '  schedule: "*/2 * * * * *"\n  concurrencyPolicy: Allow\n  historyLimit: { succeeded: 10 }\n') });
    const runs = await waitFor('three runs', async () => {
      const found = await runsOf(k, 'tick');
      return found.length >= 3 && jobStatus(k, 'tick')?.job?.lastSuccessful !== undefined ? found : undefined;
    }, { timeoutMs: 60_000 });
    const slots = runs.map((run) => Date.parse(slotOf(run)));
    expect(new Set(slots).size).toBe(slots.length);
    for (const [index, slot] of slots.entries()) if (index > 0) expect(slot - (slots[index - 1] ?? 0)).toBe(2000);
    const status = jobStatus(k, 'tick');
    expect(condition(k, 'tick', 'Ready')).toBe(true);
    expect(Date.parse(status?.job?.nextScheduleTime ?? '')).toBeGreaterThan(Date.now() - 100);
  });

  it('reports a failing command with its exit code, Stalled until a run succeeds', async () => {
    const k = await startKargo({ 'job.yaml': (ns) => jobManifest(ns, 'bad', 'exit 7', '  schedule: "*/2 * * * * *"\n') });
    const stalled = await waitFor('a failed run', () => (condition(k, 'bad', 'Stalled') ? jobStatus(k, 'bad') : undefined), { timeoutMs: 60_000 });
    expect(stalled.job?.lastFailed).toMatchObject({ exitCode: 7, result: 'failed' });
    expect(stalled.job?.lastFailed?.node).toMatch(/\w+/);
  });

  it('with Forbid never overlaps a run longer than the period, skipping the slots meanwhile', async () => {
    const k = await startKargo({ 'job.yaml': (ns) => jobManifest(ns, 'long', 'sleep 5', '  schedule: "*/2 * * * * *"\n') });
    const deadline = Date.now() + 14_000;
    let most = 0;
    while (Date.now() < deadline) {
      most = Math.max(most, (await activeRuns(k, await runsOf(k, 'long'))).length);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(most).toBe(1);
    expect((await runsOf(k, 'long')).length).toBeGreaterThanOrEqual(2);
    expect(jobStatus(k, 'long')?.job?.lastSkipped?.reason).toBe('ActiveRun');
  });

  it('with Replace removes the running run when the next slot starts', async () => {
    const k = await startKargo({ 'job.yaml': (ns) => jobManifest(ns, 'swap', 'sleep 60', '  schedule: "*/3 * * * * *"\n  concurrencyPolicy: Replace\n') });
    const first = await waitFor('a first run', async () => (await runsOf(k, 'swap'))[0], { timeoutMs: 30_000 });
    await waitFor('the first run replaced', async () => ((await runsOf(k, 'swap')).some((run) => run.ID === first.ID) ? undefined : true), { timeoutMs: 30_000 });
    expect((await runsOf(k, 'swap')).length).toBe(1);
    expect(jobStatus(k, 'swap')?.job?.lastFailed?.error).toMatch(/Replace/);
  });

  it('neither skips nor doubles a slot when Kargo stops and starts again', async () => {
    const k = await startKargo({ 'job.yaml': (ns) => jobManifest(ns, 'steady', 'echo ok', '  schedule: "*/3 * * * * *"\n  concurrencyPolicy: Allow\n  startingDeadline: 20s\n  historyLimit: { succeeded: 20 }\n') });
    await waitFor('two runs', async () => ((await runsOf(k, 'steady')).length >= 2 ? true : undefined), { timeoutMs: 30_000 });
    // Down for less than a period, from 300 ms before a slot: that slot falls while Kargo is down,
    // and only that one (after a longer outage only the latest missed slot runs, as a Kubernetes
    // CronJob does).
    const slotMs = 3000;
    await new Promise((resolve) => setTimeout(resolve, (2 * slotMs - (Date.now() % slotMs) - 300) % slotMs));
    await k.runtime?.stop();
    const stoppedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await k.start();
    const restartedAt = Date.now();
    const runs = await waitFor('two runs after the restart', async () => {
      const found = await runsOf(k, 'steady');
      return found.filter((run) => Date.parse(run.CreatedAt ?? '') > restartedAt - 500).length >= 2 ? found : undefined;
    }, { timeoutMs: 30_000 });
    const slots = runs.map((run) => Date.parse(slotOf(run)));
    expect(new Set(slots).size).toBe(slots.length);
    for (const [index, slot] of slots.entries()) if (index > 0) expect(slot - (slots[index - 1] ?? 0)).toBe(3000);
    // A slot fell while Kargo was down; it ran after the restart, late.
    expect(slots.some((slot) => slot > stoppedAt && slot < restartedAt)).toBe(true);
  });
});
