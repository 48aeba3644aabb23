/**
 * End to end: Kargo's image built from the Dockerfile, deployed with deploy/kargo-stack.yml on
 * the test swarm, following a git repository; each step of the GitOps loop checked from outside.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import { GitRepo } from '../support/git-repo.js';
import { buildKargoImage } from '../support/kargo-image.js';
import { parseMetrics, sampleValue } from '../support/prometheus.js';
import { httpManifest } from '../support/running-kargo.js';
import { uniqueName, waitFor } from '../support/swarm.js';

const exec = promisify(execFile);
/** The user Kargo's image runs as. */
const kargoUid = 1000;
const dockerHost = inject('dockerHost');
const swarm = SwarmClient.connect(dockerHost);
const stack = uniqueName('kargo');
const namespace = uniqueName('geo');
const image = `kargo:${stack}`;
const repo = new GitRepo();
const overridesDir = mkdtempSync(join(tmpdir(), 'kargo-e2e-'));
/** The secret of Kargo's write endpoints (refresh needs it as a bearer token), a Swarm secret as the README sets it up. */
const webhookSecret = `e2e-${stack}`;
const log = (step: string): void => {
  console.log(`[e2e] ${step}`);
};

interface Status {
  key: string;
  observedRevision?: string;
  conditions: { type: string; status: string; reason: string; message: string }[];
}
interface StatusList {
  revision: string | null;
  items: Status[];
  manifestErrors: { file: string; line: number; message: string }[];
}

/** Runs `docker` against the test engine. */
async function docker(...args: string[]): Promise<string> {
  const { stdout } = await exec('docker', args, { env: { ...process.env, DOCKER_HOST: dockerHost }, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Kargo's running container: requests to its API are made from inside it (host-mode port, private netns). */
async function kargoContainer(): Promise<string> {
  return waitFor('Kargo\'s task to run', async () => {
    const tasks = await swarm.listTasks({ service: [`${stack}_kargo`], 'desired-state': ['running'] });
    const running = tasks.find((task) => task.Status?.State === 'running');
    return (running?.Status as { ContainerStatus?: { ContainerID?: string } } | undefined)?.ContainerStatus?.ContainerID;
  }, { timeoutMs: 120_000 });
}

async function kargoApi(method: 'GET' | 'POST', path: string): Promise<string> {
  const container = await kargoContainer();
  const headers = method === 'POST' ? `{ authorization: 'Bearer ${webhookSecret}' }` : '{}';
  const script = `fetch('http://127.0.0.1:9469${path}', { method: '${method}', headers: ${headers} }).then(async (r) => { process.stdout.write(await r.text()); process.exit(r.ok ? 0 : 1); })`;
  return docker('exec', container, 'node', '-e', script);
}

async function statusList(): Promise<StatusList> {
  return JSON.parse(await kargoApi('GET', '/api/v1/geoservices')) as StatusList;
}

async function service(name: string): Promise<{ Version: { Index: number }; Spec: { TaskTemplate?: { ContainerSpec?: { Env?: string[] } } } } | undefined> {
  const [found] = await swarm.listServices({ name: [`${namespace}_${name}`] });
  return found?.Spec.Name === `${namespace}_${name}` ? found : undefined;
}

const ready = (status: Status | undefined): boolean => status?.conditions.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function commitAndRefresh(message: string, change: () => void): Promise<string> {
  change();
  const sha = repo.commit(message);
  repo.chownBare(kargoUid);
  await kargoApi('POST', '/api/v1/sources/refresh');
  return sha;
}

async function waitForRevision(key: string, sha: string): Promise<Status> {
  return waitFor(`${key} at ${sha.slice(0, 12)} and Ready`, async () => {
    const status = (await statusList()).items.find((item) => item.key === key);
    return status?.observedRevision === sha && ready(status) ? status : undefined;
  }, { timeoutMs: 120_000, intervalMs: 500 });
}

beforeAll(async () => {
  log(`building ${image} from the Dockerfile`);
  await buildKargoImage(swarm.docker, image, (line) => {
    if (line.startsWith('Step ') || line.startsWith('docker build') || line.startsWith('building')) log(line);
  });
  const first = repo.write('geo/alpha.yaml', httpManifest(namespace, 'alpha')).write('geo/beta.yaml', httpManifest(namespace, 'beta')).commit('alpha and beta');
  log(`manifests committed at ${first.slice(0, 12)}`);
  chmodSync(repo.root, 0o755);
  repo.chownBare(kargoUid);
  const overrides = join(overridesDir, 'e2e.yml');
  const secretFile = join(overridesDir, 'webhook-secret');
  writeFileSync(secretFile, `${webhookSecret}\n`);
  writeFileSync(overrides, `version: "3.8"
services:
  kargo:
    volumes:
      - { type: bind, source: ${repo.bare}, target: /srv/manifests.git, read_only: true }
    environment:
      KARGO_NAMESPACES: ${namespace}
      KARGO_WEBHOOK_SECRET_FILE: /run/secrets/kargo-webhook-secret
    secrets: [kargo-webhook-secret]
secrets:
  kargo-webhook-secret:
    file: ${secretFile}
`);
  const socket = dockerHost.replace(/^unix:\/\//, '');
  log(`docker stack deploy -c deploy/kargo-stack.yml ${stack}`);
  await exec('docker', ['stack', 'deploy', '--resolve-image', 'never', '-c', 'deploy/kargo-stack.yml', '-c', overrides, stack], {
    env: {
      ...process.env,
      DOCKER_HOST: dockerHost,
      KARGO_IMAGE: image,
      DOCKER_SOCKET: socket,
      DOCKER_GID: String(statSync(socket).gid),
      KARGO_GIT_URL: '/srv/manifests.git',
      KARGO_GIT_ALLOW_LOCAL_URLS: 'true',
      KARGO_GIT_PATH: 'geo',
      KARGO_GIT_INTERVAL: '1m',
      KARGO_PORT: '19469',
      KARGO_LOG_LEVEL: 'debug',
    },
  });
}, 600_000);

afterAll(async () => {
  await docker('stack', 'rm', stack).catch(() => '');
  const services = await swarm.listServices({ label: [`com.docker.stack.namespace=${namespace}`] });
  await Promise.all(services.map((s) => swarm.removeService(s.ID)));
  repo.cleanUp();
  rmSync(overridesDir, { recursive: true, force: true });
});

describe('Kargo deployed as a Swarm service', () => {
  let alphaVersion = 0;

  it('converges the committed manifests', async () => {
    const head = (await statusList()).revision;
    log(`Kargo is up at revision ${String(head)}`);
    const alpha = await waitFor('alpha and beta Ready', async () => {
      const list = await statusList();
      const [a, b] = [`${namespace}/alpha`, `${namespace}/beta`].map((key) => list.items.find((item) => item.key === key));
      return ready(a) && ready(b) ? a : undefined;
    }, { timeoutMs: 180_000, intervalMs: 1000 });
    expect(alpha.observedRevision).toMatch(/^[0-9a-f]{40}$/);
    log('alpha and beta converged');
  });

  it('runs with a read-only root filesystem and no capabilities', async () => {
    const container = await kargoContainer();
    const [service] = await swarm.listServices({ name: [`${stack}_kargo`] });
    const spec = service?.Spec.TaskTemplate?.ContainerSpec as { ReadOnly?: boolean; CapabilityDrop?: string[] } | undefined;
    expect(spec?.ReadOnly).toBe(true);
    expect(spec?.CapabilityDrop).toEqual(['ALL']);
    const probe = `const fs = require('fs'); const status = fs.readFileSync('/proc/self/status', 'utf8');
      let image = 'writable'; try { fs.writeFileSync('/app/probe', 'x'); } catch (e) { image = e.code; }
      fs.writeFileSync('/tmp/probe', 'x');
      process.stdout.write(JSON.stringify({ image, capEff: /CapEff:\\s*(\\w+)/.exec(status)[1] }));`;
    const seen = JSON.parse(await docker('exec', container, 'node', '-e', probe)) as { image: string; capEff: string };
    expect(seen).toEqual({ image: 'EROFS', capEff: '0000000000000000' });
    log(`root filesystem ${seen.image}, effective capabilities ${seen.capEff}`);
  });

  it('rolls out a committed change and reports the new commit', async () => {
    const sha = await commitAndRefresh('alpha says changed', () => repo.write('geo/alpha.yaml', httpManifest(namespace, 'alpha', '', 'RESPONSE: changed')));
    await waitForRevision(`${namespace}/alpha`, sha);
    expect((await service('alpha'))?.Spec.TaskTemplate?.ContainerSpec?.Env).toContain('RESPONSE=changed');
    log(`change rolled out at ${sha.slice(0, 12)}`);
  });

  it('goes back when the commit is reverted', async () => {
    const sha = repo.revertLast();
    repo.chownBare(kargoUid);
    await kargoApi('POST', '/api/v1/sources/refresh');
    await waitForRevision(`${namespace}/alpha`, sha);
    const alpha = await service('alpha');
    expect(alpha?.Spec.TaskTemplate?.ContainerSpec?.Env).toContain('RESPONSE=hello');
    alphaVersion = alpha?.Version.Index ?? 0;
    log(`revert applied at ${sha.slice(0, 12)}`);
  });

  it('prunes the service of a deleted manifest', async () => {
    await commitAndRefresh('drop beta', () => repo.remove('geo/beta.yaml'));
    await waitFor('beta to be pruned', async () => ((await service('beta')) === undefined ? true : undefined), { timeoutMs: 60_000 });
    log('beta pruned');
  });

  it('reports a broken manifest and changes nothing else', async () => {
    await commitAndRefresh('break alpha', () => repo.write('geo/alpha.yaml', httpManifest(namespace, 'alpha').replace('replicas: 1', 'replicas: one')));
    const list = await waitFor('the manifest error to be reported', async () => {
      const current = await statusList();
      return current.manifestErrors.length > 0 ? current : undefined;
    }, { timeoutMs: 60_000 });
    expect(list.manifestErrors[0]?.message).toContain('must be an integer');
    expect(list.manifestErrors[0]?.file).toMatch(/alpha\.yaml$/);
    const alpha = list.items.find((item) => item.key === `${namespace}/alpha`);
    expect(alpha?.conditions.find((c) => c.type === 'Stalled')?.reason).toBe('ManifestInvalid');
    expect((await service('alpha'))?.Version.Index).toBe(alphaVersion);
    log('broken manifest reported; alpha untouched');
  });

  it('serves its metrics', async () => {
    const metrics = parseMetrics(await kargoApi('GET', '/metrics'));
    expect(sampleValue(metrics, 'kargo_manifest_errors')).toBe(1);
    expect(sampleValue(metrics, 'kargo_docker_api_requests_total', { operation: 'remove_service', code: '200' })).toBe(1);
    expect(metrics.get('kargo_source_revision_info')?.metrics[0]?.labels['revision']).toMatch(/^[0-9a-f]{40}$/);
    log('metrics scraped');
  });

  it('writes structured JSON logs that docker service logs shows', async () => {
    const output = await docker('service', 'logs', '--raw', `${stack}_kargo`);
    const lines = output.split('\n').filter((line) => line.startsWith('{'));
    const entries = lines.map((line) => JSON.parse(line) as { level: string; msg: string; app: string });
    expect(entries.length).toBeGreaterThan(5);
    expect(entries.every((entry) => entry.app === 'kargo')).toBe(true);
    expect(entries.some((entry) => entry.msg.includes('deleted'))).toBe(true);
    log(`${String(entries.length)} JSON log lines`);
  });
});
