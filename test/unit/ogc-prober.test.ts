/**
 * The OGC prober driven by hand (tick, a fake clock and a fake probe): when it probes, what it
 * records, and what it drops.
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { OgcProber } from '../../src/controller/ogc-prober.js';
import { StatusStore } from '../../src/controller/status-store.js';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import type { OgcProbeResult } from '../../src/core/ogc/ogc-probe-result.js';
import { conditionOf, type Phase } from '../../src/core/status/object-status.js';
import { outcome } from '../../src/reconcile/reconcile-outcome.js';

const snapshot = (ogc: string | undefined, ports = 'ports: [{ published: 8081 }]'): Snapshot => {
  const text = `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: wms, namespace: geo }\nspec:\n  engine: mapserver\n  image: kargo-geo/mapserver:8.0\n  ${ports}\n${ogc === undefined ? '' : `  ogc: ${ogc}\n`}`;
  return snapshotOf(parseManifests([{ path: 'wms.yaml', text }], manifestValidators), '/', 'r');
};
const passed: OgcProbeResult = { verdict: { ok: true, reason: 'Ok', message: 'GetMap: image/png, 99 bytes' }, steps: [], latencyMs: 5 };

function setUp(initial: Snapshot) {
  let current = initial;
  let now = 0;
  const statuses = new StatusStore({}, () => new Date(now));
  const probes: string[] = [];
  const pending: ((result: OgcProbeResult) => void)[] = [];
  const available: string[] = [];
  const prober = new OgcProber({
    statuses,
    snapshot: () => current,
    probe: (url) => {
      probes.push(url);
      return new Promise((resolve) => pending.push(resolve));
    },
    reachPublishedPort: (port) => Promise.resolve(`http://127.0.0.1:${String(port)}`),
    turnedAvailable: (key) => available.push(key),
    logger: pino({ level: 'silent' }),
    clock: () => now,
  });
  const reconciled = (phase: Phase, tasks = { running: 1, desired: 1 }): void => {
    statuses.recordOutcome(outcome('geo/wms', phase, { service: { ID: 'id', Version: { Index: 1 }, Spec: {}, ServiceStatus: { RunningTasks: tasks.running, DesiredTasks: tasks.desired } } }), current);
  };
  const flush = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));
  const settle = async (result = passed): Promise<void> => {
    await flush();
    for (const resolve of pending.splice(0)) resolve(result);
    await flush();
  };
  return {
    prober, statuses, probes, available, reconciled, settle, flush,
    setSnapshot: (next: Snapshot) => (current = next),
    advance: (ms: number) => (now += ms),
    availableOf: () => { const status = statuses.get('geo/wms'); return status === undefined ? undefined : conditionOf(status, 'Available'); },
  };
}

describe('OgcProber', () => {
  it('probes the published port once the service is Ready, at once, then every ogc.interval', async () => {
    const t = setUp(snapshot('{ service: WMS, interval: 10s }'));
    t.reconciled({ kind: 'progressing', reason: 'Created', message: '' });
    t.prober.tick();
    expect(t.probes).toEqual([]);
    expect(t.availableOf()).toMatchObject({ status: 'Unknown', reason: 'NotProbedYet' });
    t.reconciled({ kind: 'ready' });
    t.prober.tick();
    await t.flush();
    expect(t.probes).toEqual(['http://127.0.0.1:8081/cgi-bin/mapserv']);
    await t.settle();
    expect(t.availableOf()).toMatchObject({ status: 'True', reason: 'OgcChecksPassed' });
    expect(t.available).toEqual(['geo/wms']);
    t.advance(9_000);
    t.prober.tick();
    await t.flush();
    expect(t.probes).toHaveLength(1);
    t.advance(1_000);
    t.prober.tick();
    await t.flush();
    expect(t.probes).toHaveLength(2);
  });

  it('probes a service that is not Available every 5 s at most, whatever its interval', async () => {
    const t = setUp(snapshot('{ service: WMS, interval: 1m }'));
    t.reconciled({ kind: 'ready' });
    t.prober.tick();
    await t.settle({ verdict: { ok: false, reason: 'LayerMissing', message: 'layer roads missing from WMS GetCapabilities' }, steps: [], latencyMs: 5 });
    expect(t.availableOf()).toMatchObject({ status: 'False', reason: 'LayerMissing' });
    expect(t.available).toEqual([]);
    t.advance(5_000);
    t.prober.tick();
    await t.flush();
    expect(t.probes).toHaveLength(2);
  });

  it('drops the answer of a probe whose spec.ogc changed, or that ended after the stop', async () => {
    const t = setUp(snapshot('{ service: WMS }'));
    t.reconciled({ kind: 'ready' });
    t.prober.tick();
    t.setSnapshot(snapshot(undefined));
    t.reconciled({ kind: 'ready' });
    await t.settle();
    expect(t.availableOf()).toBeUndefined();
    expect(t.statuses.get('geo/wms')?.ogc).toBeUndefined();

    const u = setUp(snapshot('{ service: WMS }'));
    u.reconciled({ kind: 'ready' });
    u.prober.tick();
    u.prober.stop();
    await u.settle();
    expect(u.availableOf()).toMatchObject({ status: 'Unknown' });
  });

  it('follows the running tasks of a service it cannot reach (no published port, no ogc.url)', () => {
    const t = setUp(snapshot('{ service: WMS }', 'replicas: 2'));
    t.reconciled({ kind: 'progressing', reason: 'TasksStarting', message: '' }, { running: 0, desired: 2 });
    t.prober.tick();
    expect(t.availableOf()).toMatchObject({ status: 'False', reason: 'InTaskCheckFailing' });
    t.reconciled({ kind: 'ready' }, { running: 2, desired: 2 });
    t.prober.tick();
    expect(t.availableOf()).toMatchObject({ status: 'True', reason: 'InTaskCheckPassed', message: expect.stringContaining('2 of 2 tasks pass') as unknown });
    expect(t.probes).toEqual([]);
    expect(t.available).toEqual(['geo/wms']);
  });
});
