/**
 * OGC-aware health on a real MapServer (the sandbox's image): `spec.ogc` becomes the task's health
 * check, which gates rollouts through Swarm's own monitor, and Kargo probes the service from
 * outside for the Available condition and the kargo_ogc_* metrics.
 *
 * Ports: host mode inside the private engine, reached through forwarders (see published-port.ts);
 * geo-images.test.ts uses 28081-28082, this file 28091.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureGeoImages, type GeoImage } from '../../src/sandbox/geo-images.js';
import { conditionOf } from '../../src/core/status/object-status.js';
import { parseMetrics, sampleValue } from '../support/prometheus.js';
import { useKargo } from '../support/running-kargo.js';
import { execInTask, testSwarm, waitFor } from '../support/swarm.js';

const swarm = testSwarm();
const startKargo = useKargo();
const mapfile = readFileSync(new URL('../fixtures/geo/mapserver.map', import.meta.url), 'utf8');
let mapserver: GeoImage;

async function scrape(url: string): Promise<ReturnType<typeof parseMetrics>> {
  return parseMetrics(await (await fetch(`${url}/metrics`)).text());
}

beforeAll(async () => {
  ({ mapserver } = await ensureGeoImages(swarm.docker, ['mapserver'], { say: (line) => console.log(`[ogc health] ${line}`) }));
}, 900_000);

const manifest = (namespace: string, spec: string): string => `apiVersion: kargo.io/v1alpha1
kind: GeoService
metadata: { name: mapserver, namespace: ${namespace} }
spec:
  engine: mapserver
  image: ${mapserver.tag}
  configs: [{ file: ./mapserver.map, target: /etc/mapserver/mapserver.map }]
  healthCheck: { interval: 1s, retries: 2, startPeriod: 2s }
  stopGracePeriod: 2s
${spec}`;

/** The GetMap the in-task check makes, asked inside the running task: does the service draw? */
const getMapInTask = ['sh', '-c', "wget -q -O - 'http://127.0.0.1/cgi-bin/mapserv?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=roads,cities&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32&FORMAT=image/png' | head -c 4 | tail -c 3"];

describe('spec.ogc', () => {
  it('makes the OGC check the task\'s health check, and Kargo probes the published port for Available and the metrics', async () => {
    const k = await startKargo({
      'mapserver.map': () => mapfile,
      'mapserver.yaml': (ns) => manifest(ns, `  ports: [{ published: 28091, mode: host }]
  ogc: { service: WMS, layers: [roads, cities], interval: 2s }
  update: { order: stop-first, monitor: 2s }`),
    });
    await k.waitForCondition('mapserver', 'Ready', { timeoutMs: 120_000 });
    const available = await k.waitForCondition('mapserver', 'Available', { timeoutMs: 60_000 });
    expect(conditionOf(available, 'Available')).toMatchObject({ reason: 'OgcChecksPassed', message: expect.stringMatching(/^GetMap: image\/png, \d+ bytes$/) as unknown });
    expect(available.ogc?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cgi-bin\/mapserv$/);
    expect(available.ogc?.steps?.map((step) => [step.request, step.ok])).toEqual([['GetCapabilities', true], ['GetMap', true]]);
    // The probe's cost, for the README: a few probes after the first, through the forwarder.
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    const latest = k.status('mapserver')?.ogc;
    console.log(`[ogc health] probe: ${String(latest?.latencyMs)} ms (${(latest?.steps ?? []).map((step) => `${step.request} ${String(step.latencyMs)} ms`).join(', ')})`);

    const service = (await k.services()).get(`${k.namespace}_mapserver`);
    const test = service?.Spec.TaskTemplate?.ContainerSpec?.Healthcheck?.Test ?? [];
    expect(test[0]).toBe('CMD-SHELL');
    expect(test[1]).toContain("fail 'layer roads missing from WMS GetCapabilities'");
    // With an OGC check, a failed update is rolled back rather than paused (Swarm's default).
    expect(service?.Spec.UpdateConfig?.FailureAction).toBe('rollback');

    const metrics = await scrape(k.url);
    const labels = { namespace: k.namespace, name: 'mapserver' };
    expect(sampleValue(metrics, 'kargo_ogc_available', labels)).toBe(1);
    expect(sampleValue(metrics, 'kargo_ogc_probes_total', { ...labels, reason: 'Ok' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(metrics, 'kargo_geoservice_condition', { ...labels, type: 'Available', status: 'True' })).toBe(1);

    // The URL clients use (ogc.url) answers an exception while the tasks are healthy: Available
    // turns False with the OGC reason, and nothing is written (ogc.url is not part of the task).
    const origin = new URL(available.ogc?.url ?? '').origin;
    const writes = { ...k.swarm.writes };
    k.write('mapserver.yaml', manifest(k.namespace, `  ports: [{ published: 28091, mode: host }]
  ogc: { service: WMS, layers: [roads, cities], interval: 2s, url: "${origin}/cgi-bin/mapserv?MAP=/etc/mapserver/elsewhere.map" }
  update: { order: stop-first, monitor: 2s }`));
    const broken = await waitFor('Available to turn False', () => {
      const status = k.status('mapserver');
      const condition = status === undefined ? undefined : conditionOf(status, 'Available');
      return condition?.status === 'False' ? condition : undefined;
    }, { timeoutMs: 30_000 });
    console.log(`[ogc health] Available False: ${broken.reason}: ${broken.message}`);
    expect(broken.reason).toMatch(/^(ServiceException|WrongRoot|NotXml)$/);
    expect(broken.message).toContain('WMS GetCapabilities');
    expect(k.swarm.writes).toEqual(writes);
    expect(sampleValue(await scrape(k.url), 'kargo_ogc_available', labels)).toBe(0);
  });

  it('never lets a broken mapfile replace a working MapServer: Swarm rolls it back and Kargo reports Stalled with the OGC reason', async () => {
    const k = await startKargo({
      'mapserver.map': () => mapfile,
      'mapserver.yaml': (ns) => manifest(ns, `  ogc: { service: WMS, layers: [roads, cities] }
  update: { order: start-first, monitor: 3s }`),
    });
    const ready = await k.waitForCondition('mapserver', 'Available', { timeoutMs: 120_000 });
    // No published port and no ogc.url: Kargo cannot reach it, the in-task check speaks for it.
    expect(conditionOf(ready, 'Available')?.reason).toBe('InTaskCheckPassed');
    const serviceName = `${k.namespace}_mapserver`;
    const runningTask = async (): Promise<string | undefined> => (await swarm.listTasks({ service: [serviceName], 'desired-state': ['running'] })).find((task) => task.Status?.State === 'running')?.ID;
    const before = await runningTask();

    // A commit that drops the roads layer: a valid mapfile whose WMS no longer offers it.
    k.write('mapserver.map', mapfile.replace('NAME "roads"', 'NAME "highways"'));
    const answers: number[] = [];
    let stalled = k.status('mapserver');
    while (stalled === undefined || conditionOf(stalled, 'Stalled')?.status !== 'True') {
      const { output, exitCode } = await execInTask(swarm, serviceName, getMapInTask);
      answers.push(exitCode === 0 && output === 'PNG' ? 1 : 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      stalled = k.status('mapserver');
      if (answers.length > 240) throw new Error('no rollback within 2 minutes');
    }
    const condition = conditionOf(stalled, 'Stalled');
    console.log(`[ogc health] ${String(answers.length)} GetMaps during the rollout, all PNG: ${String(answers.every(Boolean))}; Stalled: ${condition?.message ?? ''}`);
    expect(condition?.reason).toBe('RolledBack');
    expect(condition?.message).toContain('its OGC check said: layer roads missing from WMS GetCapabilities');
    // The working task was never stopped: the map stayed up all along.
    expect(answers.every(Boolean)).toBe(true);
    expect(await runningTask()).toBe(before);
    expect(conditionOf(k.status('mapserver') ?? stalled, 'Available')?.status).toBe('True');
  });
});
