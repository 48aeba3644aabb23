/**
 * The example stack (examples/) on real images, as the demo runs it: the examples made fit for the
 * one-node sandbox by the demo's transform (src/demo/demo-manifests.ts), deployed by Kargo with the
 * examples' age identity, then checked from this machine with OGC requests: PostGIS Ready, the
 * cities-loader GeoJob run now and successful, MapServer's WFS returning its cities and its WMS
 * drawing them, MapCache serving a tile of the same area, every GeoService with spec.ogc Available.
 *
 * Ports: the examples publish 8081 (MapServer) and 8082 (MapCache); the transform publishes them
 * on 28101 and 28102 here, in host mode inside the private engine, reached through forwarders
 * (test/support/published-port.ts). geo-images.test.ts uses 28081-28082, ogc-health 28091.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeOgc } from '../../src/adapters/http/ogc-probe.js';
import { secretOpeningOf } from '../../src/adapters/files/age-identities.js';
import { demoManifests } from '../../src/demo/demo-manifests.js';
import { exampleAgeIdentityFile } from '../../src/demo/examples.js';
import { conditionOf } from '../../src/core/status/object-status.js';
import { ensureGeoImages, geoImageNames } from '../../src/sandbox/geo-images.js';
import type { EnginePortForward } from '../../src/sandbox/engine-port-forward.js';
import { decodePng } from '../support/png.js';
import { reachPublishedPort } from '../support/published-port.js';
import { useKargo, type ManifestFiles, type RunningKargo } from '../support/running-kargo.js';
import { testSwarm, waitFor } from '../support/swarm.js';

const swarm = testSwarm();
const startKargo = useKargo();
const say = (line: string): void => {
  console.log(`[examples stack] ${line}`);
};
const examplesDir = fileURLToPath(new URL('../../examples', import.meta.url));
const exampleFiles = ['stack/geo-network.yaml', 'stack/postgis.yaml', 'stack/krawler-job.yaml', 'stack/mapserver-wms.yaml', 'stack/mapcache-wmts.yaml', 'geoserver.yaml', 'tileserver-gl.yaml', 'weacast-api.yaml'];
const ports = { mapserver: 28101, mapcache: 28102 } as const;
/** France, as the examples' ogc.bbox and mapfile have it. */
const france = '-5.5,41,10,51.5';

beforeAll(async () => {
  const started = Date.now();
  const images = await ensureGeoImages(swarm.docker, [...geoImageNames], { say });
  for (const image of Object.values(images)) say(`${image.tag} (${image.stableTag}): ${image.source}, ${image.seconds.toFixed(1)}s`);
  say(`images ready in ${seconds(started)}`);
}, 900_000);

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/**
 * The demo's manifests for the test's namespace, and every file they name (the age files as
 * bytes). Named volumes are made the namespace's own: other tests create the examples' services
 * too (render-roundtrip), and two PostgreSQL servers must never share a data volume.
 */
function stackFiles(): ManifestFiles {
  const examples = exampleFiles.map((file) => ({ file, text: readFileSync(join(examplesDir, file), 'utf8') }));
  const demo = (namespace: string) => demoManifests(examples, { namespace, publishedPorts: new Map([[8081, ports.mapserver], [8082, ports.mapcache]]) });
  const files: ManifestFiles = {};
  for (const file of demo('placeholder')) {
    if (file.text === undefined) continue;
    files[file.file] = (namespace) => {
      const text = demo(namespace).find((candidate) => candidate.file === file.file)?.text ?? '';
      return text.replace(/source: (postgis-data|mapcache-tiles)\b/g, `source: ${namespace}-$1`);
    };
    for (const reference of file.references) files[reference] = () => readFileSync(join(examplesDir, reference));
  }
  return files;
}

async function get(url: string): Promise<{ status: number; type: string; body: Buffer }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: Buffer.from(await response.arrayBuffer()) };
}

async function timed<T>(what: string, since: number, wait: Promise<T>): Promise<T> {
  const value = await wait;
  say(`${what} ${seconds(since)} after Kargo started`);
  return value;
}

describe('the example stack', () => {
  it('runs on the real images as the demo runs it: the job loads the cities, MapServer serves them, MapCache tiles them, all Available', async () => {
    const forwards: EnginePortForward[] = [];
    try {
      const k = await startKargo(stackFiles(), { secrets: secretOpeningOf(exampleAgeIdentityFile, 'refuse') });
      const started = Date.now();
      expect(k.operator?.controller.statuses.size).toBeGreaterThan(0);
      await timed('PostGIS Ready', started, k.waitForCondition('postgis', 'Ready', { timeoutMs: 120_000 }));

      const jobKey = `GeoJob/${k.namespace}/cities-loader`;
      const asked = new Date();
      expect(k.operator?.controller.requestRun(jobKey)).toBe(true);
      const run = await waitFor('a successful run of the cities-loader job after it was asked for', () => {
        const last = k.operator?.controller.statuses.get(jobKey)?.job?.lastSuccessful;
        return last !== undefined && new Date(last.finishedAt) >= asked ? last : undefined;
      }, { timeoutMs: 120_000 });
      say(`cities-loader run ${run.slot} succeeded in ${run.durationSeconds.toFixed(1)}s (service created to task complete), ${seconds(started)} after Kargo started`);
      expect(run).toMatchObject({ result: 'succeeded', exitCode: 0 });

      await timed('MapServer Ready', started, k.waitForCondition('mapserver', 'Ready', { timeoutMs: 120_000 }));
      const mapserverAvailable = await timed('MapServer Available', started, k.waitForCondition('mapserver', 'Available', { timeoutMs: 120_000 }));
      await timed('MapCache Ready', started, k.waitForCondition('mapcache', 'Ready', { timeoutMs: 120_000 }));
      const mapcacheAvailable = await timed('MapCache Available', started, k.waitForCondition('mapcache', 'Available', { timeoutMs: 120_000 }));
      // Kargo probed each from outside, on its published port: not only the in-task check.
      expect(conditionOf(mapserverAvailable, 'Available')?.reason).toBe('OgcChecksPassed');
      expect(conditionOf(mapcacheAvailable, 'Available')?.reason).toBe('OgcChecksPassed');

      const reach = async (port: number): Promise<string> => {
        const forward = await reachPublishedPort(port);
        forwards.push(forward);
        return forward.url;
      };
      const mapserv = `${await reach(ports.mapserver)}/cgi-bin/mapserv`;
      const features = await get(`${mapserv}?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=cities&OUTPUTFORMAT=geojson`);
      expect(features.status).toBe(200);
      const collection = JSON.parse(features.body.toString('utf8')) as { features: { properties: { name: string; population: number } }[] };
      const names = collection.features.map((feature) => feature.properties.name);
      say(`WFS GetFeature: ${String(names.length)} cities (${names.join(', ')})`);
      expect(names).toHaveLength(12);
      expect(names).toContain('Paris');

      const wms = await probeOgc(mapserv, { service: 'WMS', layers: ['cities', 'rivers'], bbox: [-5.5, 41, 10, 51.5] });
      expect(wms.verdict).toMatchObject({ ok: true });
      // The cities layer alone: the job's rows, drawn from PostGIS (an empty table draws one colour).
      const map = await get(`${mapserv}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=cities&STYLES=&CRS=CRS:84&BBOX=${france}&WIDTH=512&HEIGHT=350&FORMAT=image/png`);
      expect([map.status, map.type]).toEqual([200, 'image/png']);
      const drawn = decodePng(map.body);
      say(`WMS GetMap of the cities layer: ${String(drawn.width)}x${String(drawn.height)}, ${String(drawn.distinctPixels)} distinct pixel values`);
      expect(drawn.distinctPixels).toBeGreaterThan(1);

      // Zoom 5 tile over Paris: lon 0 to 11.25, lat 41 to 48.9 (x 16, y 11 in the web mercator grid).
      const mapcache = `${await reach(ports.mapcache)}/cgi-bin/mapcache/wmts`;
      const wmts = await probeOgc(mapcache, { service: 'WMTS', layers: ['cities'] });
      expect(wmts.verdict).toMatchObject({ ok: true });
      const tile = await get(`${mapcache}?SERVICE=WMTS&VERSION=1.0.0&REQUEST=GetTile&LAYER=cities&STYLE=default&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=5&TILEROW=11&TILECOL=16&FORMAT=image/png`);
      expect([tile.status, tile.type]).toEqual([200, 'image/png']);
      const tiled = decodePng(tile.body);
      say(`WMTS GetTile 5/11/16: ${String(tiled.width)}x${String(tiled.height)}, ${String(tiled.distinctPixels)} distinct pixel values`);
      expect([tiled.width, tiled.height]).toEqual([256, 256]);
      expect(tiled.distinctPixels).toBeGreaterThan(1);

      expectEveryOgcServiceAvailable(k);
    } finally {
      await Promise.all(forwards.map((forward) => forward.close()));
    }
  }, 420_000);
});

function expectEveryOgcServiceAvailable(k: RunningKargo): void {
  const statuses = [...(k.operator?.controller.statuses.values() ?? [])];
  const services = statuses.filter((status) => status.kind === 'GeoService');
  expect(services.map((status) => status.key).sort()).toEqual([`${k.namespace}/mapcache`, `${k.namespace}/mapserver`, `${k.namespace}/postgis`]);
  for (const status of services) {
    expect(conditionOf(status, 'Ready')?.status).toBe('True');
    if (status.ogc !== undefined) expect([status.key, conditionOf(status, 'Available')?.status]).toEqual([status.key, 'True']);
  }
}
