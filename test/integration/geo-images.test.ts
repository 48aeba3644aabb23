/**
 * Real geospatial servers on the test swarm: the sandbox builds (or takes from its cache) the
 * MapServer, PostGIS, MapCache and Krawler images, Kargo runs the servers from GeoService manifests
 * with their engine presets, and OGC requests made from this machine check what they serve.
 *
 * How the test reaches them: services publish in host mode, inside the private engine's network
 * namespace, and a forwarder bridges a loopback port here to it (test/support/published-port.ts).
 * Between services, `tasks.<name>` resolves to the task (the sandbox has no IPVS for virtual IPs).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOgc } from '../../src/adapters/http/ogc-probe.js';
import type { OgcProbeResult } from '../../src/core/ogc/ogc-probe-result.js';
import { ensureGeoImages, geoImageNames, type GeoImage, type GeoImageName } from '../../src/sandbox/geo-images.js';
import type { EnginePortForward } from '../../src/sandbox/engine-port-forward.js';
import { ensureBaseTarball } from '../../src/sandbox/geo-image-builder.js';
import { ErrorCode, KargoError } from '../../src/errors.js';
import { reachPublishedPort } from '../support/published-port.js';
import { useKargo, type RunningKargo } from '../support/running-kargo.js';
import { execInTask, testSwarm, uniqueName, waitFor } from '../support/swarm.js';

const swarm = testSwarm();
const startKargo = useKargo();
const say = (line: string): void => {
  console.log(`[geo images] ${line}`);
};
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/geo/${name}`, import.meta.url), 'utf8');

let images: Record<GeoImageName, GeoImage>;
const forwards: EnginePortForward[] = [];
/** Secrets the tests made; removed after all, once the services that use them are gone. */
const secrets: string[] = [];

beforeAll(async () => {
  const started = Date.now();
  images = await ensureGeoImages(swarm.docker, [...geoImageNames], { say });
  for (const image of Object.values(images)) say(`${image.tag} (${image.stableTag}): ${image.source}, ${image.seconds.toFixed(1)}s`);
  say(`all images ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  // A first build on a fresh machine takes about five minutes (two cores); the cache makes it seconds.
}, 900_000);

afterAll(async () => {
  await Promise.all(forwards.map((forward) => forward.close()));
  await Promise.all(secrets.map((id) => swarm.docker.getSecret(id).remove().catch(() => undefined)));
});

async function reach(port: number): Promise<string> {
  const forward = await reachPublishedPort(port);
  forwards.push(forward);
  return forward.url;
}

/** Host-mode ports inside the engine's namespace; only this file publishes ports on the test swarm. */
const ports = { mapserver: 28081, mapcache: 28082 } as const;

const geoService = (namespace: string, name: string, spec: string): string => `apiVersion: kargo.io/v1alpha1
kind: GeoService
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec}
  update: { parallelism: 1, delay: 0s, monitor: 2s, order: stop-first, failureAction: rollback }
  stopGracePeriod: 5s
`;

/** MapServer with the preset's port, data path and probe; the mapfile is a config from the repository. */
const mapserverManifest = (namespace: string, published?: number): string =>
  geoService(namespace, 'mapserver', `  engine: mapserver
  image: ${images.mapserver.tag}
${published === undefined ? '' : `  ports: [{ published: ${String(published)}, mode: host }]\n`}  configs: [{ file: ./mapserver.map, target: /etc/mapserver/mapserver.map }]
  healthCheck: { interval: 1s, startPeriod: 5s }`);

/** PostGIS with the preset's probe and stop signal; its password is the external secret `secretName`. */
const postgisManifest = (namespace: string, secretName: string, env = ''): string =>
  geoService(namespace, 'postgis', `  engine: postgis
  image: ${images.postgis.tag}
  env: { POSTGRES_USER: kargo, POSTGRES_DB: geo, POSTGRES_PASSWORD_FILE: /run/secrets/pg-password${env} }
  secrets: [{ external: ${secretName}, target: pg-password, mode: "0400" }]
  healthCheck: { interval: 1s, startPeriod: 10s }`);

/** The container of the service's running task. */
async function runningContainer(serviceName: string): Promise<string> {
  return waitFor(`a running task of ${serviceName}`, async () => {
    const tasks = await swarm.listTasks({ service: [serviceName], 'desired-state': ['running'] });
    return tasks.find((task) => task.Status?.State === 'running')?.Status?.ContainerStatus?.ContainerID;
  });
}

/**
 * Starts `command` in the service's running container without waiting (docker exec -d). Not a
 * background job of a shell: orphaned, it would be PostgreSQL's child (PID 1), whose non-zero exit
 * the postmaster takes for a crashed backend.
 */
async function startInTask(serviceName: string, command: string[]): Promise<void> {
  const exec = await swarm.docker.getContainer(await runningContainer(serviceName)).exec({ Cmd: command });
  await exec.start({ Detach: true });
}

async function waitReady(k: RunningKargo, ...names: string[]): Promise<void> {
  await Promise.all(names.map((name) => k.waitForCondition(name, 'Ready', { timeoutMs: 120_000 })));
}

function logProbe(what: string, result: OgcProbeResult): void {
  const steps = result.steps.map((step) => `${step.request.kind} ${step.latencyMs.toFixed(0)}ms`).join(', ');
  say(`${what}: ${result.verdict.message} (${steps})`);
}

describe('real geo servers', () => {
  it('runs MapServer from a GeoService with the mapserver preset, and its WMS and WFS pass the OGC checks', async () => {
    const k = await startKargo({
      'mapserver.map': () => fixture('mapserver.map'),
      'mapserver.yaml': (ns) => mapserverManifest(ns, ports.mapserver),
    });
    const started = Date.now();
    await waitReady(k, 'mapserver');
    say(`MapServer Ready ${((Date.now() - started) / 1000).toFixed(1)}s after Kargo started`);
    const mapserv = `${await reach(ports.mapserver)}/cgi-bin/mapserv`;

    const wms = await waitFor('MapServer to answer WMS', async () => {
      const result = await probeOgc(mapserv, { service: 'WMS', layers: ['roads', 'cities'] });
      return result.verdict.reason === 'Unreachable' ? undefined : result;
    });
    logProbe('WMS', wms);
    expect(wms.verdict).toMatchObject({ ok: true, reason: 'Ok' });
    expect(wms.steps.map((step) => [step.request.kind, step.verdict.ok])).toEqual([['GetCapabilities', true], ['GetMap', true]]);

    const wfs = await probeOgc(mapserv, { service: 'WFS', layers: ['cities'] });
    logProbe('WFS', wfs);
    expect(wfs.steps.map((step) => [step.request.kind, step.verdict.message])).toEqual([
      ['GetCapabilities', 'WFS 2.0.0: 2 layers offered, cities expected'],
      ['GetFeature', 'GetFeature: GML with 1 features'],
    ]);

    const missing = await probeOgc(mapserv, { service: 'WMS', layers: ['roads', 'rivers'] });
    expect(missing.verdict).toEqual({ ok: false, reason: 'LayerMissing', message: 'layer rivers missing from WMS GetCapabilities' });
    expect(missing.steps).toHaveLength(1);
  });

  it('runs PostGIS with its password from a Swarm secret, a Krawler job that loads MapServer\'s features into it, and MapCache tiling MapServer', async () => {
    const password = `pw-${uniqueName('x')}`;
    const secretName = uniqueName('pg-password');
    // Before Kargo starts: a service whose external secret is missing fails, and its retries back off.
    const secret = (await swarm.docker.createSecret({ Name: secretName, Data: Buffer.from(password).toString('base64') })) as { id: string };
    secrets.push(secret.id);
    const k = await startKargo({
      'mapserver.map': () => fixture('mapserver.map'),
      'mapserver.yaml': (ns) => mapserverManifest(ns),
      'postgis.yaml': (ns) => postgisManifest(ns, secretName),
      'mapcache.yaml': (ns) => geoService(ns, 'mapcache', `  engine: mapcache
  image: ${images.mapcache.tag}
  ports: [{ published: ${String(ports.mapcache)}, mode: host }]
  configs:
    - target: /etc/mapcache/mapcache.xml
      content: ${JSON.stringify(fixture('mapcache.xml').replaceAll('MAPSERVER_URL', 'http://tasks.mapserver/cgi-bin/mapserv?'))}
  healthCheck: { interval: 1s, startPeriod: 5s }`),
    });
    const started = Date.now();
    await waitReady(k, 'mapserver', 'postgis', 'mapcache');
    say(`MapServer, PostGIS and MapCache Ready ${((Date.now() - started) / 1000).toFixed(1)}s after Kargo started`);

    const psql = (sql: string, pw = password) =>
      execInTask(swarm, `${k.namespace}_postgis`, ['env', `PGPASSWORD=${pw}`, 'psql', '-h', '127.0.0.1', '-U', 'kargo', '-d', 'geo', '-tAc', sql]);
    const version = await psql('SELECT postgis_lib_version()');
    expect(version).toMatchObject({ exitCode: 0 });
    expect(version.output.trim()).toMatch(/^3\.\d+\.\d+$/);
    expect((await psql('SELECT 1', 'wrong')).output).toContain('password authentication failed');
    expect((await psql('CREATE TABLE cities (id serial PRIMARY KEY, geom geometry(Point, 4326), properties json)')).exitCode).toBe(0);

    const jobStarted = Date.now();
    await runKrawlerJob(k, secretName);
    say(`Krawler job ran in ${((Date.now() - jobStarted) / 1000).toFixed(1)}s (service created to task complete)`);
    const loaded = await psql('SELECT count(*) || \' \' || string_agg(ST_AsText(geom), \' \' ORDER BY id) FROM cities');
    expect(loaded.output.trim()).toBe('3 POINT(2.35 48.85) POINT(-74 40.7) POINT(139.7 35.7)');

    const wmts = await probeOgc(`${await reach(ports.mapcache)}/cgi-bin/mapcache/wmts`, { service: 'WMTS', layers: ['roads'] });
    logProbe('WMTS', wmts);
    expect(wmts.steps.map((step) => [step.request.kind, step.verdict.ok])).toEqual([['GetCapabilities', true], ['GetTile', true]]);

    // The preset's SIGINT is PostgreSQL's fast shutdown: a client still connected does not hold an
    // update up (SIGTERM would wait for it, then Swarm kills the task after stopGracePeriod, exit 137).
    const service = `${k.namespace}_postgis`;
    expect((await k.services()).get(service)?.Spec.TaskTemplate?.ContainerSpec?.StopSignal).toBe('SIGINT');
    const before = await runningContainer(service);
    await startInTask(service, ['env', `PGPASSWORD=${password}`, 'psql', '-h', '127.0.0.1', '-U', 'kargo', '-d', 'geo', '-c', 'SELECT pg_sleep(120)']);
    await waitFor('the client connected', async () => ((await psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()")).output.trim() === '1' || undefined));
    const updated = Date.now();
    k.write('postgis.yaml', postgisManifest(k.namespace, secretName, ', TZ: UTC'));
    const stopped = await waitFor('the old PostGIS container to stop', async () => {
      const state = ((await swarm.docker.getContainer(before).inspect()) as { State: { Running: boolean; ExitCode: number } }).State;
      return state.Running ? undefined : state;
    }, { timeoutMs: 60_000 });
    say(`PostGIS stopped with a client connected, exit code ${String(stopped.ExitCode)}, ${((Date.now() - updated) / 1000).toFixed(1)}s after the manifest changed`);
    expect(stopped.ExitCode).toBe(0);
    await waitReady(k, 'postgis');
  });

  it('runs a long-running Krawler from a GeoService with the krawler preset, Ready once its /healthcheck answers', async () => {
    const jobfile = "module.exports = { id: 'noop', store: 'memory', tasks: [], hooks: { jobs: { before: { createStores: [{ id: 'memory' }] } } } }\n";
    const k = await startKargo({
      'krawler.yaml': (ns) => geoService(ns, 'krawler', `  engine: krawler
  image: ${images.krawler.tag}
  args: [/opt/krawler/jobfile.js, --cron, "0 0 0 * * *", --run]
  configs: [{ content: ${JSON.stringify(jobfile)}, target: /opt/krawler/jobfile.js }]
  healthCheck: { interval: 1s, startPeriod: 10s }`),
    });
    await waitReady(k, 'krawler');
    const container = await runningContainer(`${k.namespace}_krawler`);
    const health = ((await swarm.docker.getContainer(container).inspect()) as { State: { Health?: { Status: string; Log: { ExitCode: number }[] } } }).State.Health;
    expect(health?.Status).toBe('healthy');
    expect(health?.Log.at(-1)?.ExitCode).toBe(0);
  });
});

describe('building geo images', () => {
  it('tags each image with the server version it packages too, naming the same image', async () => {
    expect(Object.values(images).map((image) => image.stableTag)).toEqual(['kargo-geo/mapserver:8.0', 'kargo-geo/postgis:15-3.3', 'kargo-geo/mapcache:1.14', 'kargo-geo/krawler:1.0.1']);
    for (const image of Object.values(images)) {
      const [stable, hashed] = await Promise.all([swarm.docker.getImage(image.stableTag).inspect(), swarm.docker.getImage(image.tag).inspect()]);
      expect(stable.Id).toBe(hashed.Id);
    }
  });

  it('says what to do when the Debian mirror cannot be reached, and caches nothing', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'kargo-image-cache-'));
    try {
      // Port 9 (discard) on loopback: nothing listens, the refusal is immediate.
      const failed = await ensureBaseTarball(cacheDir, say, 'http://127.0.0.1:9/debian').then(() => undefined, (error: unknown) => error);
      expect(failed).toBeInstanceOf(KargoError);
      expect(failed).toMatchObject({ code: ErrorCode.DebianMirrorUnreachable });
      expect((failed as Error).message).toContain('set KARGO_DEBIAN_MIRROR to a Debian mirror it can reach');
      expect(readdirSync(cacheDir)).toEqual([]);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

/**
 * The job runs as a one-off service (restart condition none) on the namespace's network: a GeoJob
 * kind will make it a manifest; until then the test creates it itself, labelled with the
 * namespace so that the test's Kargo removes it with the others.
 */
async function runKrawlerJob(k: RunningKargo, secretName: string): Promise<void> {
  const labels = { 'com.docker.stack.namespace': k.namespace };
  const configName = uniqueName('jobfile');
  const config = (await swarm.docker.createConfig({ Name: configName, Data: Buffer.from(readFileSync(new URL('../fixtures/geo/wfs-to-postgis.js', import.meta.url), 'utf8')).toString('base64'), Labels: labels })) as { id: string };
  const secret = (await swarm.docker.getSecret(secretName).inspect()) as { ID: string };
  const name = `${k.namespace}_krawler`;
  await swarm.docker.createService({
    Name: name,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: images.krawler.tag,
        Env: ['PGHOST=tasks.postgis', 'PGUSER=kargo', 'PGDATABASE=geo', 'PGPASSWORD_FILE=/run/secrets/pg-password', 'WFS_URL=http://tasks.mapserver/cgi-bin/mapserv'],
        Configs: [{ ConfigID: config.id, ConfigName: configName, File: { Name: '/opt/krawler/jobfile.js', UID: '0', GID: '0', Mode: 0o444 } }],
        Secrets: [{ SecretID: secret.ID, SecretName: secretName, File: { Name: 'pg-password', UID: '0', GID: '0', Mode: 0o400 } }],
      },
      RestartPolicy: { Condition: 'none' },
      Networks: [{ Target: `${k.namespace}_default` }],
    },
  });
  const state = await waitFor('the Krawler job to end', async () => {
    const tasks = await swarm.listTasks({ service: [name] });
    const ended = tasks.find((task) => ['complete', 'failed', 'rejected'].includes(task.Status?.State ?? ''));
    return ended === undefined ? undefined : `${ended.Status?.State ?? ''} ${ended.Status?.Err ?? ''}`.trim();
  }, { timeoutMs: 120_000 });
  expect(state).toBe('complete');
}
