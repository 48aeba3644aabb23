/**
 * spec.ogc: how a manifest's OGC check is made whole, rendered as the task's health check, where
 * Kargo probes it from, and how the Available condition is made and kept.
 */
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import type { LoadedManifest, ManifestSet } from '../../src/core/manifest/manifest-set.js';
import { renderServiceSpec } from '../../src/core/render/render-service-spec.js';
import { ogcEndpointOf } from '../../src/core/ogc/ogc-endpoint.js';
import { ogcTaskProbe } from '../../src/core/ogc/ogc-task-probe.js';
import { availableCondition, ogcProbeTargetOf } from '../../src/core/ogc/ogc-availability.js';
import { desiredStateOf } from '../../src/core/desired-state.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { StatusStore } from '../../src/controller/status-store.js';
import { conditionOf, isReadyAndAvailable } from '../../src/core/status/object-status.js';
import type { OgcProbeResult } from '../../src/core/ogc/ogc-probe-result.js';
import { outcome } from '../../src/reconcile/reconcile-outcome.js';

function parse(spec: string): ManifestSet {
  const text = `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: wms, namespace: geo }\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
  return parseManifests([{ path: 'wms.yaml', text }], manifestValidators);
}

function load(spec: string): LoadedManifest['resource'] {
  const set = parse(spec);
  const [manifest] = set.manifests;
  if (manifest === undefined) throw new Error(`invalid: ${JSON.stringify(set.problems)}`);
  return manifest.resource;
}

const mapserver = 'engine: mapserver\nimage: kargo-geo/mapserver:8.0';

describe('ogcEndpointOf', () => {
  it.each<[string, string, object]>([
    ['the preset\'s endpoint path and port, the default interval', `${mapserver}\nogc: { service: WMS, layers: [cities] }`, { path: '/cgi-bin/mapserv', port: 80, intervalMs: 30_000, check: { service: 'WMS', layers: ['cities'] } }],
    ['the manifest\'s path, version, bbox, url and interval', `${mapserver}\nogc: { service: WFS, path: "/cgi-bin/mapserv?map=/etc/mapserver/wfs.map", version: 1.1.0, bbox: [0, 40, 10, 50], url: "https://maps.example.org/wfs", interval: 1m }`, { path: '/cgi-bin/mapserv?map=/etc/mapserver/wfs.map', url: 'https://maps.example.org/wfs', intervalMs: 60_000, check: { service: 'WFS', layers: [], version: '1.1.0', bbox: [0, 40, 10, 50] } }],
    ['the first target port of a generic engine, and / for a path', 'image: example/wms:1\nports: [{ target: 8080 }]\nogc: { service: WMTS }', { path: '/', port: 8080 }],
  ])('%s', (_what, spec, expected) => {
    expect(ogcEndpointOf(load(spec).spec)).toMatchObject(expected);
  });

  it('is undefined without spec.ogc', () => {
    expect(ogcEndpointOf(load(mapserver).spec)).toBeUndefined();
  });
});

describe('the in-task check', () => {
  it('asks GetCapabilities and a GetMap of the expected layers, printing why it fails after OGC:', () => {
    const endpoint = ogcEndpointOf(load(`${mapserver}\nogc: { service: WMS, layers: [cities, rivers] }`).spec);
    if (endpoint === undefined) throw new Error('no endpoint');
    const [kind, script = ''] = ogcTaskProbe(endpoint);
    expect(kind).toBe('CMD-SHELL');
    expect(script).toContain("get 'http://127.0.0.1/cgi-bin/mapserv?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0'");
    expect(script).toContain("*'<WMS_Capabilities'*|*':WMS_Capabilities'*");
    expect(script).toContain("fail 'layer rivers missing from WMS GetCapabilities'");
    expect(script).toContain('REQUEST=GetMap&LAYERS=cities%2Crivers');
    expect(script).toContain("grep -q PNG || fail 'GetMap answered no PNG image'");
  });

  it('checks only the capabilities of WMTS and WCS (their sample request needs the capabilities read), and of a check naming no layer', () => {
    for (const ogc of ['{ service: WMTS, layers: [osm] }', '{ service: WCS, layers: [dem] }', '{ service: WMS }']) {
      const endpoint = ogcEndpointOf(load(`${mapserver}\nogc: ${ogc}`).spec);
      if (endpoint === undefined) throw new Error('no endpoint');
      expect(ogcTaskProbe(endpoint)[1]).not.toMatch(/GetMap|GetTile|GetCoverage/);
    }
  });

  it('replaces the preset\'s probe and keeps its timings; a failed update rolls back unless the manifest says otherwise', () => {
    const spec = renderServiceSpec(load(`${mapserver}\nogc: { service: WMS, layers: [cities] }\nhealthCheck: { interval: 5s }`), { revision: 'r', sourceFile: 'wms.yaml' });
    const health = spec.TaskTemplate?.ContainerSpec?.Healthcheck;
    expect(health?.Test?.[0]).toBe('CMD-SHELL');
    expect(health?.Test?.[1]).toContain('layer cities missing');
    expect(health).toMatchObject({ Interval: 5e9, Timeout: 5e9, Retries: 3, StartPeriod: 10e9 });
    expect(spec.UpdateConfig).toEqual({ Parallelism: 1, FailureAction: 'rollback' });
    const paused = renderServiceSpec(load(`${mapserver}\nogc: { service: WMS }\nupdate: { failureAction: pause }`), { revision: 'r', sourceFile: 'wms.yaml' });
    expect(paused.UpdateConfig?.FailureAction).toBe('pause');
  });

  it('is a manifest problem next to a probe of the manifest\'s own', () => {
    const set = parse(`${mapserver}\nogc: { service: WMS }\nhealthCheck: { httpPath: / }`);
    expect(set.manifests).toHaveLength(0);
    expect(set.problems[0]).toMatchObject({ field: 'spec.healthCheck.httpPath', line: 8 });
    expect(set.problems[0]?.message).toContain('cannot be combined with spec.ogc');
  });
});

describe('where Kargo probes from', () => {
  const targetOf = (spec: string) => {
    const [desired] = desiredStateOf(parse(spec), '/', 'r').desired;
    if (desired === undefined) throw new Error('nothing desired');
    return ogcProbeTargetOf(desired);
  };

  it.each<[string, string, object | undefined]>([
    ['ogc.url first', `${mapserver}\nports: [{ published: 8081 }]\nogc: { service: WMS, url: "https://maps.example.org/wms" }`, { kind: 'url', url: 'https://maps.example.org/wms' }],
    ['the port published for the endpoint\'s port', `${mapserver}\nports: [{ target: 9000, published: 9001 }, { published: 8081 }]\nogc: { service: WMS }`, { kind: 'published', publishedPort: 8081 }],
    ['nowhere without either: the in-task check speaks', `${mapserver}\nports: [{ target: 9000, published: 9001 }]\nogc: { service: WMS }`, { kind: 'in-task' }],
    ['no target without spec.ogc', `${mapserver}\nports: [{ published: 8081 }]`, undefined],
  ])('%s', (_what, spec, expected) => {
    const target = targetOf(spec);
    if (expected === undefined) expect(target).toBeUndefined();
    else expect(target).toMatchObject(expected);
  });
});

describe('the Available condition', () => {
  const probed = (ok: boolean): OgcProbeResult => ({
    verdict: ok ? { ok, reason: 'Ok', message: 'GetMap: image/png, 1234 bytes' } : { ok, reason: 'LayerMissing', message: 'layer roads missing from WMS GetCapabilities' },
    steps: [],
    latencyMs: 12,
  });

  it.each<[string, Parameters<typeof availableCondition>[0], object]>([
    ['a passed probe', { kind: 'probed', url: 'u', result: probed(true) }, { status: 'True', reason: 'OgcChecksPassed' }],
    ['a failed probe, with the OGC reason', { kind: 'probed', url: 'u', result: probed(false) }, { status: 'False', reason: 'LayerMissing', message: 'layer roads missing from WMS GetCapabilities' }],
    ['running tasks passing the in-task check', { kind: 'in-task', runningTasks: 1, desiredTasks: 2 }, { status: 'True', reason: 'InTaskCheckPassed', message: expect.stringContaining('1 of 2 tasks pass') as unknown }],
    ['no running task', { kind: 'in-task', runningTasks: 0, desiredTasks: 1 }, { status: 'False', reason: 'InTaskCheckFailing' }],
  ])('%s', (_what, availability, expected) => {
    expect(availableCondition(availability, undefined, 'now')).toMatchObject({ type: 'Available', lastTransitionTime: 'now', ...expected });
  });

  it('keeps its transition time while its status stays', () => {
    const first = availableCondition({ kind: 'probed', url: 'u', result: probed(false) }, undefined, 't1');
    expect(availableCondition({ kind: 'in-task', runningTasks: 0, desiredTasks: 1 }, first, 't2').lastTransitionTime).toBe('t1');
    expect(availableCondition({ kind: 'probed', url: 'u', result: probed(true) }, first, 't3').lastTransitionTime).toBe('t3');
  });

  it('is Unknown until the first probe, survives reconciles, and is what a dependent waits for', () => {
    const snapshot = snapshotOf(parse(`${mapserver}\nogc: { service: WMS }`), '/', 'r');
    const store = new StatusStore({}, () => new Date('2026-12-04T12:00:00Z'));
    store.recordOutcome(outcome('geo/wms', { kind: 'ready' }, { serviceId: 'id' }), snapshot);
    const first = store.get('geo/wms');
    expect(first === undefined ? undefined : conditionOf(first, 'Available')).toMatchObject({ status: 'Unknown', reason: 'NotProbedYet' });
    expect(first !== undefined && isReadyAndAvailable(first)).toBe(false);
    store.recordAvailability('geo/wms', { kind: 'probed', url: 'http://x/cgi-bin/mapserv', result: probed(true) });
    store.recordOutcome(outcome('geo/wms', { kind: 'ready' }, { serviceId: 'id' }), snapshot);
    const after = store.get('geo/wms');
    expect(after === undefined ? undefined : conditionOf(after, 'Available')).toMatchObject({ status: 'True', reason: 'OgcChecksPassed' });
    expect(after?.ogc).toMatchObject({ url: 'http://x/cgi-bin/mapserv', latencyMs: 12 });
    expect(after !== undefined && isReadyAndAvailable(after)).toBe(true);
    // spec.ogc removed: no Available condition any more.
    store.recordOutcome(outcome('geo/wms', { kind: 'ready' }, { serviceId: 'id' }), snapshotOf(parse(mapserver), '/', 'r2'));
    const unchecked = store.get('geo/wms');
    expect(unchecked === undefined ? 'gone' : conditionOf(unchecked, 'Available')).toBeUndefined();
    expect(unchecked?.ogc).toBeUndefined();
  });
});
