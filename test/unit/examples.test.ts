import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { secretOpeningOf } from '../../src/adapters/files/age-identities.js';
import { createManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import { writeDemoManifests } from '../../src/demo/demo-directory.js';
import { demoManifests } from '../../src/demo/demo-manifests.js';
import { exampleAgeIdentityFile } from '../../src/demo/examples.js';

const examplesDir = fileURLToPath(new URL('../../examples', import.meta.url));
/** The stack's files (examples/stack/) and the reference examples beside it. */
const exampleFiles = [...readdirSync(join(examplesDir, 'stack')).map((name) => `stack/${name}`), ...readdirSync(examplesDir)].filter((name) => /\.ya?ml$/.test(name)).sort();
const load = createManifestLoader({ secrets: secretOpeningOf(exampleAgeIdentityFile, 'refuse') });
const keysOf = (set: Awaited<ReturnType<typeof load>>): string[] => [...set.manifests, ...set.networks, ...set.jobs].map((object) => object.key).sort();

describe('the examples', () => {
  it('are the files this test knows', () => {
    expect(exampleFiles).toEqual(['geoserver.yaml', 'stack/geo-network.yaml', 'stack/krawler-job.yaml', 'stack/mapcache-wmts.yaml', 'stack/mapserver-wms.yaml', 'stack/postgis.yaml', 'tileserver-gl.yaml', 'weacast-api.yaml']);
  });

  // Read with the others: postgis.yaml joins the Network that geo-network.yaml declares.
  it.each(exampleFiles)('%s loads without a problem, its secrets opened with the demo identity', async (name) => {
    const set = await load([examplesDir]);
    const file = join(examplesDir, name);
    expect(set.problems.filter((problem) => problem.file === file)).toEqual([]);
    expect(set.ignored.filter((document) => document.file === file)).toEqual([]);
    expect([...set.manifests, ...set.networks, ...set.jobs].filter((manifest) => manifest.source.file === file).length).toBeGreaterThan(0);
  });

  it('define exactly these GeoServices, Networks and GeoJobs, without a clash between files', async () => {
    const set = await load([examplesDir]);
    expect(set.problems).toEqual([]);
    expect(keysOf(set)).toEqual([
      'GeoJob/geo/cities-loader',
      'Network/geo/backend',
      'geo/geoserver',
      'geo/mapcache',
      'geo/mapserver',
      'geo/postgis',
      'tiles/tileserver',
      'weacast/weacast-api',
    ]);
  });

  it('say in their header whether they run on the sandbox, and why not', () => {
    for (const name of ['geoserver.yaml', 'tileserver-gl.yaml', 'weacast-api.yaml']) {
      expect(readFileSync(join(examplesDir, name), 'utf8')).toContain('does NOT');
    }
    for (const name of ['stack/postgis.yaml', 'stack/mapserver-wms.yaml', 'stack/mapcache-wmts.yaml', 'stack/krawler-job.yaml']) {
      expect(readFileSync(join(examplesDir, name), 'utf8')).toContain('Runs in the demo (npm start) and in test/integration/examples-stack.test.ts');
    }
  });
});

describe('the demo manifests', () => {
  const directory = mkdtempSync(join(tmpdir(), 'kargo-demo-manifests-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const written = writeDemoManifests(directory);

  it('are the examples that run on sandbox images, with every file they name copied alongside', () => {
    expect(written.manifests).toEqual(['stack/geo-network.yaml', 'stack/krawler-job.yaml', 'stack/mapcache-wmts.yaml', 'stack/mapserver-wms.yaml', 'stack/postgis.yaml']);
    expect(written.copied).toEqual([
      'stack/initdb/cities.sql',
      'stack/jobfiles/cities-to-postgis.js',
      'stack/jobfiles/cities.geojson',
      'stack/mapcache/mapcache.xml',
      'stack/mapfiles/wms.map',
      'stack/secrets/mapserver-pgpass.age',
      'stack/secrets/postgis-password.age',
    ]);
    expect(written.leftOut.map((object) => object.object)).toEqual(['GeoService geo/geoserver', 'GeoService tiles/tileserver', 'GeoService weacast/weacast-api']);
    expect(written.leftOut[0]?.reason).toContain('its image docker.osgeo.org/geoserver:2.25.2 is not one the sandbox builds');
  });

  it('validate, the secrets opened with the demo identity, and keep the stack: configs, secrets, networks, ogc, dependsOn, the GeoJob', async () => {
    const set = await load([directory]);
    expect(set.problems).toEqual([]);
    expect(keysOf(set)).toEqual(['GeoJob/geo/cities-loader', 'Network/geo/backend', 'geo/mapcache', 'geo/mapserver', 'geo/postgis']);
    const mapserver = set.manifests.find((manifest) => manifest.key === 'geo/mapserver')?.resource.spec;
    expect(mapserver).toMatchObject({
      replicas: 1,
      ports: [{ published: 8081, mode: 'host' }],
      configs: [{ file: './mapfiles/wms.map' }],
      secrets: [{ file: './secrets/mapserver-pgpass.age', mode: '0400' }],
      networks: ['default', 'backend'],
      ogc: { service: 'WMS', layers: ['cities', 'rivers'] },
      dependsOn: ['postgis'],
      update: { order: 'stop-first', failureAction: 'rollback' },
    });
    const postgis = set.manifests.find((manifest) => manifest.key === 'geo/postgis')?.resource.spec;
    expect(postgis?.placement).toBeUndefined();
    expect(postgis?.resources).toEqual({ limits: { cpus: 2, memory: '2G' } });
    expect(set.jobs[0]?.resource.spec).toMatchObject({ image: 'kargo-geo/krawler:1.0.1', schedule: '0 * * * * *', networks: ['backend'], dependsOn: ['postgis'] });
  });

  it('say in their header what changed and why', () => {
    const text = readFileSync(join(directory, 'stack', 'mapserver-wms.yaml'), 'utf8');
    expect(text.split('\n').slice(0, 6)).toEqual([
      '# Generated by `kargo demo` from examples/stack/mapserver-wms.yaml, for the demo\'s one-node swarm.',
      '# Changed from the example, and why:',
      '#   - GeoService geo/mapserver: replicas 2 → 1: one node, and two tasks cannot publish one port in host mode on it',
      '#   - GeoService geo/mapserver: port 8081 published in host mode: the routing mesh needs IPVS, which the sandbox\'s kernel lacks',
      '#   - GeoService geo/mapserver: update.order start-first → stop-first: on one node a new task cannot publish the port the old one holds',
      '# Edit and save: Kargo applies the change.',
    ]);
    expect(readFileSync(join(directory, 'stack', 'krawler-job.yaml'), 'utf8')).toMatch(/^# Generated by `kargo demo` from examples\/stack\/krawler-job.yaml, for the demo's one-node swarm.\n# Unchanged: the example runs there as written.\n/);
  });
});

describe('demoManifests', () => {
  const example = (file: string, spec: string, kind = 'GeoService', name = file.replace('.yaml', '')): { file: string; text: string } => ({
    file,
    text: `apiVersion: kargo.io/v1alpha1\nkind: ${kind}\nmetadata: { name: ${name}, namespace: geo }\nspec:\n${spec}`,
  });

  it('leaves out what depends on an object it leaves out, and says why', () => {
    const [web, api] = demoManifests([
      example('web.yaml', '  image: kargo-geo/mapserver:8.0\n  dependsOn: [api]\n'),
      example('api.yaml', '  image: nginx:1.27\n'),
    ]);
    expect(web?.text).toBeUndefined();
    expect(web?.leftOut).toEqual([{ file: 'web.yaml', object: 'GeoService geo/web', reason: 'it depends on GeoService geo/api, which is left out' }]);
    expect(api?.leftOut[0]?.reason).toMatch(/^its image nginx:1.27 is not one the sandbox builds/);
  });

  it('moves objects to another namespace and ports to others when asked (tests), and drops bind mounts and empty placement', () => {
    const [file] = demoManifests(
      [example('web.yaml', '  image: kargo-geo/mapcache:1.14\n  ports: [{ published: 8082, mode: host }]\n  placement: { constraints: [node.role == worker] }\n  volumes:\n    - { type: bind, source: /srv/x, target: /x }\n    - { type: volume, source: tiles, target: /t }\n  rollback: { order: start-first }\n')],
      { namespace: 'ns1', publishedPorts: new Map([[8082, 28102]]) },
    );
    expect(file?.changes).toEqual([
      'GeoService geo/web: namespace geo → ns1',
      'GeoService geo/web: published port 8082 → 28102',
      'GeoService geo/web: rollback.order start-first → stop-first: on one node a new task cannot publish the port the old one holds',
      'GeoService geo/web: placement constraints dropped (node.role == worker): the demo\'s node has no such labels',
      'GeoService geo/web: bind mount of /srv/x dropped: that host path is not on the demo\'s machine',
    ]);
    expect(file?.text).toContain('metadata: { name: web, namespace: ns1 }');
    expect(file?.text).toContain('ports: [ { published: 28102, mode: host } ]');
    expect(file?.text).not.toContain('placement:');
    expect(file?.text).toContain('- { type: volume, source: tiles, target: /t }');
    expect(file?.text).not.toContain('source: /srv/x');
  });

  it('shortens health checks to the interval asked for (the demo), the manifest\'s or the preset\'s, and leaves shorter and absent ones; update delays too', () => {
    const files = demoManifests(
      [
        example('mapserver.yaml', '  engine: mapserver\n  image: kargo-geo/mapserver:8.0\n  healthCheck: { interval: 10s }\n  update: { delay: 10s }\n'),
        example('postgis.yaml', '  engine: postgis\n  image: kargo-geo/postgis:15-3.3\n'),
        example('fast.yaml', '  engine: mapcache\n  image: kargo-geo/mapcache:1.14\n  healthCheck: { interval: 1s }\n'),
        example('plain.yaml', '  image: kargo-geo/mapcache:1.14\n'),
        example('ogc.yaml', '  image: kargo-geo/mapserver:8.0\n  ogc: { service: WMS }\n'),
      ],
      { healthCheckInterval: '2s', updateDelay: '0s' },
    );
    expect(files.map((file) => file.changes)).toEqual([
      [
        'GeoService geo/mapserver: healthCheck.interval 10s → 2s: a task\'s first check waits a whole interval on the demo\'s engine (Docker 20.10 has no start interval)',
        'GeoService geo/mapserver: update.delay 10s → 0s: Swarm waits it after the last batch too, and one task is one batch',
      ],
      ['GeoService geo/postgis: healthCheck.interval 10s → 2s: a task\'s first check waits a whole interval on the demo\'s engine (Docker 20.10 has no start interval)'],
      [],
      [],
      ['GeoService geo/ogc: healthCheck.interval 30s → 2s: a task\'s first check waits a whole interval on the demo\'s engine (Docker 20.10 has no start interval)'],
    ]);
    expect(files[1]?.text).toContain('healthCheck:\n    interval: 2s');
  });
});
