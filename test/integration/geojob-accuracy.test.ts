/**
 * What a scheduled GeoJob costs and how punctual it is, on the real engine: for each run, the
 * delay from its slot to Kargo's create and to its container's start, and the Docker API requests
 * per run. Prints the figures (the README's "Jobs" section quotes them); asserts loose bounds only.
 */
import { describe, expect, inject, it } from 'vitest';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import { ownershipLabels } from '../../src/core/render/ownership.js';
import { useKargo } from '../support/running-kargo.js';
import { waitFor } from '../support/swarm.js';

const startKargo = useKargo();
/** The test's own client: its polling is not Kargo's cost. */
const observer = SwarmClient.connect(inject('dockerHost'));
const runCount = 20;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe('schedule accuracy and engine cost of a GeoJob', () => {
  it(`measures ${String(runCount)} runs of a 2-second schedule`, async () => {
    const k = await startKargo({
      'job.yaml': (ns) => `apiVersion: kargo.io/v1alpha1
kind: GeoJob
metadata: { name: tick, namespace: ${ns} }
spec:
  image: kargo-local/job:1
  command: [sh, -c, "echo tick"]
  schedule: "*/2 * * * * *"
  concurrencyPolicy: Allow
  historyLimit: { succeeded: ${String(runCount + 5)} }
`,
    });
    const requests = new Map<string, number>();
    const counting = k.swarm.onRequest;
    k.swarm.onRequest = (operation, code) => {
      counting(operation, code);
      requests.set(operation, (requests.get(operation) ?? 0) + 1);
    };
    const started = Date.now();
    const runs = await waitFor(`${String(runCount)} finished runs`, async () => {
      const found = (await observer.listServices({ label: [`com.docker.stack.namespace=${k.namespace}`] })).filter((service) => service.Spec.Labels?.[ownershipLabels.runSlot] !== undefined);
      return found.length >= runCount ? found : undefined;
    }, { timeoutMs: 120_000 });
    const seconds = (Date.now() - started) / 1000;
    const containers = await observer.docker.listContainers({ all: true, filters: { label: [`com.docker.stack.namespace=${k.namespace}`] } });
    const toCreate: number[] = [];
    const toStart: number[] = [];
    for (const run of runs) {
      const slot = Date.parse(run.Spec.Labels?.[ownershipLabels.runSlot] ?? '');
      toCreate.push(Date.parse(run.CreatedAt ?? '') - slot);
      const container = containers.find((candidate) => candidate.Labels['com.docker.swarm.service.id'] === run.ID);
      if (container === undefined) continue;
      const inspected = await observer.docker.getContainer(container.Id).inspect();
      toStart.push(Date.parse(inspected.State.StartedAt) - slot);
    }
    const durations = [...(k.operator?.controller.statuses.values() ?? [])].flatMap((status) => (status.job?.lastSuccessful === undefined ? [] : [status.job.lastSuccessful.durationSeconds]));
    const total = [...requests.values()].reduce((sum, count) => sum + count, 0);
    const perRun = total / runs.length;
    const report = {
      runs: runs.length,
      slotToCreateMs: { p50: percentile(toCreate, 50), p99: percentile(toCreate, 99), max: Math.max(...toCreate) },
      slotToContainerStartMs: { p50: percentile(toStart, 50), p99: percentile(toStart, 99), max: Math.max(...toStart) },
      requestsPerRun: Math.round(perRun * 10) / 10,
      lastRunSeconds: durations[0],
      requests: Object.fromEntries(requests),
      seconds,
    };
    console.log(`geojob accuracy: ${JSON.stringify(report)}`);
    expect(percentile(toCreate, 50)).toBeLessThan(1000);
    expect(toStart.length).toBeGreaterThan(runCount / 2);
  });
});
