import { describe, expect, it } from 'vitest';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import { startRuntime } from '../../src/runtime/kargo-runtime.js';
import { createLogger } from '../../src/observability/logger.js';
import { runKargo } from '../support/cli.js';
import { parseMetrics, sampleValue } from '../support/prometheus.js';
import { httpManifest, useKargo, type RunningKargo } from '../support/running-kargo.js';
import { testSwarm, waitFor } from '../support/swarm.js';

const swarm = testSwarm();

const startKargo = useKargo();

async function scrape(k: RunningKargo): Promise<ReturnType<typeof parseMetrics>> {
  const { status, body } = await k.get('/metrics');
  expect(status).toBe(200);
  return parseMetrics(body);
}

describe('the HTTP server of kargo run', () => {
  it('exports valid Prometheus metrics after a create, an update and a drift correction', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') });
    const ns = k.namespace;
    await k.waitForCondition('alpha', 'Ready');
    let metrics = await scrape(k);
    expect(sampleValue(metrics, 'kargo_geoservice_condition', { namespace: ns, name: 'alpha', type: 'Ready', status: 'True' })).toBe(1);
    expect(sampleValue(metrics, 'kargo_geoservice_condition', { namespace: ns, name: 'alpha', type: 'Ready', status: 'False' })).toBe(0);
    expect(sampleValue(metrics, 'kargo_geoservice_replicas', { namespace: ns, name: 'alpha', state: 'running' })).toBe(1);
    expect(sampleValue(metrics, 'kargo_geoservice_replicas', { namespace: ns, name: 'alpha', state: 'desired' })).toBe(1);
    expect(sampleValue(metrics, 'kargo_docker_api_requests_total', { operation: 'create_service', code: '201' })).toBe(1);
    expect(sampleValue(metrics, 'controller_runtime_reconcile_total', { controller: 'geoservice', result: 'success' })).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'controller_runtime_reconcile_errors_total', { controller: 'geoservice' })).toBe(0);
    expect(sampleValue(metrics, 'kargo_rollouts_total', { result: 'rolled_back' })).toBe(0);
    expect(sampleValue(metrics, 'kargo_drift_corrections_total', { namespace: ns, name: 'alpha' })).toBe(0);
    expect(sampleValue(metrics, 'kargo_manifest_errors')).toBe(0);
    expect(sampleValue(metrics, 'kargo_build_info', { version: 'test' })).toBe(1);
    expect(sampleValue(metrics, 'kargo_last_sync_timestamp_seconds')).toBeGreaterThan(1.7e9);
    expect(metrics.get('kargo_source_revision_info')?.metrics[0]?.labels['revision']).toMatch(/^sha256:/);
    for (const name of ['workqueue_depth', 'workqueue_adds_total', 'workqueue_retries_total', 'workqueue_queue_duration_seconds', 'workqueue_work_duration_seconds', 'workqueue_longest_running_processor_seconds', 'controller_runtime_reconcile_time_seconds', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes']) {
      expect(metrics.has(name), name).toBe(true);
    }

    k.write('a.yaml', httpManifest(ns, 'alpha', '', 'RESPONSE: updated'));
    await waitFor('a completed rollout to be counted', async () => (sampleValue(await scrape(k), 'kargo_rollouts_total', { result: 'completed' }) === 1 ? true : undefined), { timeoutMs: 60_000 });
    metrics = await scrape(k);
    expect(sampleValue(metrics, 'kargo_docker_api_requests_total', { operation: 'update_service', code: '200' })).toBe(1);

    const alpha = (await k.services()).get(`${ns}_alpha`);
    if (alpha === undefined) throw new Error('alpha is gone');
    await swarm.modifyService(alpha.ID, (service) => ({ ...service.Spec, Labels: { ...service.Spec.Labels, intruder: 'yes' } }));
    await waitFor('the drift correction to be counted', async () => (sampleValue(await scrape(k), 'kargo_drift_corrections_total', { namespace: ns, name: 'alpha' }) === 1 ? true : undefined));
  });

  it('drops a GeoService\'s condition and replica series once it is pruned, and keeps the others\'', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha'), 'b.yaml': (ns) => httpManifest(ns, 'beta') });
    const ns = k.namespace;
    await k.waitForCondition('alpha', 'Ready');
    await k.waitForCondition('beta', 'Ready');
    expect(sampleValue(await scrape(k), 'kargo_geoservice_replicas', { namespace: ns, name: 'beta', state: 'desired' })).toBe(1);
    k.remove('b.yaml');
    await waitFor('beta to be pruned', async () => ((await k.services()).has(`${ns}_beta`) ? undefined : true));
    const metrics = await waitFor('beta\'s series to go', async () => {
      const scraped = await scrape(k);
      return scraped.get('kargo_geoservice_condition')?.metrics.some((sample) => sample.labels['name'] === 'beta') === true ? undefined : scraped;
    });
    expect(metrics.get('kargo_geoservice_replicas')?.metrics.some((sample) => sample.labels['name'] === 'beta')).toBe(false);
    expect(sampleValue(metrics, 'kargo_geoservice_condition', { namespace: ns, name: 'alpha', type: 'Ready', status: 'True' })).toBe(1);
    expect(sampleValue(metrics, 'kargo_geoservice_replicas', { namespace: ns, name: 'alpha', state: 'running' })).toBe(1);
  });

  it('counts a rolled-back rollout and shows Swarm\'s reason in the status API and kargo status', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') });
    await k.waitForCondition('alpha', 'Ready');
    k.write('a.yaml', httpManifest(k.namespace, 'alpha').replace('kargo-local/http:1', 'kargo-local/crash:1').replace('monitor: 1s, order', 'monitor: 4s, order'));
    await k.waitForCondition('alpha', 'Stalled', { timeoutMs: 120_000 });
    const metrics = await scrape(k);
    expect(sampleValue(metrics, 'kargo_rollouts_total', { result: 'rolled_back' })).toBe(1);
    expect(sampleValue(metrics, 'kargo_geoservice_condition', { namespace: k.namespace, name: 'alpha', type: 'Stalled', status: 'True' })).toBe(1);

    const one = await k.get(`/api/v1/geoservices/${k.namespace}/alpha`);
    expect(one.status).toBe(200);
    const status = JSON.parse(one.body) as { conditions: { type: string; status: string; reason: string; message: string }[]; updateStatus: { state: string } };
    expect(status.updateStatus.state).toBe('rollback_completed');
    const stalled = status.conditions.find((condition) => condition.type === 'Stalled');
    expect(stalled?.status).toBe('True');
    expect(stalled?.reason).toBe('RolledBack');
    expect(stalled?.message).toMatch(/^Swarm rolled back the update/);
    expect(stalled?.message).toMatch(/the failed task said: task: non-zero exit \(1\)/);

    const table = await runKargo(['status', '--server', k.url]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(new RegExp(`${k.namespace}\\s+alpha\\s+False\\s+-\\s+\\S+\\s+sha256:\\w+\\s+\\d+s\\s+RolledBack: Swarm rolled back the update`));
    const json = await runKargo(['status', '--server', k.url, '--output', 'json']);
    // The GeoService and its namespace's default network.
    expect((JSON.parse(json.stdout) as { items: { kind: string }[] }).items.map((item) => item.kind)).toEqual(['Network', 'GeoService']);
  });

  it('shows every GeoService Ready in kargo status and exits 0', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha'), 'b.yaml': (ns) => httpManifest(ns, 'beta') });
    await k.waitForCondition('alpha', 'Ready');
    await k.waitForCondition('beta', 'Ready');
    const result = await runKargo(['status', '--server', k.url]);
    expect(result.stdout).toMatch(/KIND\s+NAMESPACE\s+NAME\s+READY\s+AVAILABLE\s+REPLICAS\s+REVISION\s+AGE\s+MESSAGE/);
    expect(result.stdout).toMatch(new RegExp(`Network\\s+${k.namespace}\\s+default\\s+True`));
    expect(result.stdout).toContain('3/3 ready');
    expect(result.code).toBe(0);
    expect((await k.get('/readyz')).status).toBe(200);
    expect((await k.get('/healthz')).status).toBe(200);
    expect((await k.get('/api/v1/geoservices/nope/nothing')).status).toBe(404);
  });

  it('lists manifest errors in the status API', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha'), 'bad.yaml': () => 'apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: Bad }\nspec: { image: x }\n' });
    await k.waitForCondition('alpha', 'Ready');
    const list = JSON.parse((await k.get('/api/v1/geoservices')).body) as { manifestErrors: { file: string; line: number; field: string }[] };
    expect(list.manifestErrors).toEqual([expect.objectContaining({ line: 3, field: 'metadata.name' })]);
    expect(sampleValue(await scrape(k), 'kargo_manifest_errors')).toBe(1);
  });

  it('answers /readyz 503 until the first full sync is done', async () => {
    const dead = SwarmClient.connect('unix:///nonexistent/docker.sock');
    const runtime = await startRuntime({
      swarm: dead,
      logger: createLogger('silent'),
      version: 'test',
      listen: '127.0.0.1:0',
      settings: { manifests: 'examples', workers: 1, backoffBaseMs: 100, backoffCapMs: 100, prune: true, allowEmpty: false, retryFailures: true, debounceMs: 50, resyncMs: 0, watch: false },
    });
    await expect(runtime.started).rejects.toThrow();
    const response = await fetch(`http://127.0.0.1:${String(runtime.port ?? 0)}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('the first full sync has not finished');
    expect((await fetch(`http://127.0.0.1:${String(runtime.port ?? 0)}/healthz`)).status).toBe(200);
    await runtime.stop();
  });
});
