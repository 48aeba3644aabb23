/**
 * The bundle `npm run build` writes (scripts/bundle.ts) is what the image and the package's `bin`
 * run: each test runs a fresh bundle of the current sources as a child process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleKargo } from '../../scripts/bundle.js';
import { isManagedByKargo } from '../../src/core/render/ownership.js';
import { localImages } from '../../src/sandbox/local-images.js';
import { testSwarm, uniqueName } from '../support/swarm.js';

const repoRoot = resolve(import.meta.dirname, '../..');
// Two levels under the repository, like dist/cli/: the bundle reads ../../package.json and
// resolves what it leaves in node_modules from there.
const bundleRoot = mkdtempSync(join(repoRoot, '.bundle-test-'));
const kargo = join(bundleRoot, 'cli', 'main.js');

/** Prints, on exit, every module name the process required through CommonJS (JSON array). */
const recordRequires = `data:text/javascript,${encodeURIComponent(`
import Module from 'node:module';
const required = new Set();
const load = Module._load;
Module._load = function (request, ...rest) { required.add(request); return load.call(this, request, ...rest); };
process.on('exit', () => process.stdout.write(JSON.stringify([...required])));
`)}`;

interface ChildResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runBundle(args: readonly string[], options: { nodeFlags?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...(options.nodeFlags ?? []), kargo, ...args], { env: { ...process.env, ...options.env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  await bundleKargo(join(bundleRoot, 'cli'));
}, 120_000);

afterAll(() => {
  rmSync(bundleRoot, { recursive: true, force: true });
});

describe('the bundled kargo', () => {
  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await runBundle(['version']);
    expect(result).toMatchObject({ code: 0, stdout: `kargo ${version}\n` });
  });

  it('validates the examples with the precompiled schema check', async () => {
    const result = await runBundle(['validate', join(repoRoot, 'examples')]);
    expect(result.stdout).toMatch(/GeoService and \d+ GeoJob manifest\(s\) valid in \d+ file\(s\)/);
    expect(result.code).toBe(0);
  });

  it('validates one repository with per-cluster values (dotenv bundled), and names an unset variable', async () => {
    const fixture = join(repoRoot, 'test', 'fixtures', 'values');
    const passed = await runBundle(['validate', '--values', join(fixture, 'prod.env'), join(fixture, 'manifests')]);
    expect(passed).toMatchObject({ code: 0 });
    const failed = await runBundle(['validate', '--values', join(fixture, 'incomplete.env'), join(fixture, 'manifests')]);
    expect(failed.stdout).toContain('geoserver.yaml:7:37: error: variable TAG is not set');
    expect(failed.code).toBe(1);
  });

  it('reports a schema error with its file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kargo-bundle-invalid-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: bad }\nspec:\n  image: x\n  replicas: -1\n');
      const result = await runBundle(['validate', dir]);
      expect(result.stdout + result.stderr).toContain('bad.yaml:6:');
      expect(result.stdout + result.stderr).toContain('spec.replicas');
      expect(result.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts `kargo run` without loading the SSH transport or BuildKit gRPC', async () => {
    // An unknown flag stops `run` right after its modules have loaded.
    const result = await runBundle(['run', '--not-a-flag'], { nodeFlags: ['--import', recordRequires] });
    const required = JSON.parse(result.stdout) as string[];
    expect(result.code).toBe(2);
    // ajv's runtime helper is left in node_modules on purpose, so it shows the hook works.
    expect(required).toContain('ajv/dist/runtime/ucs2length');
    expect(required.filter((name) => /ssh|grpc|proto-loader|session|buildkit/.test(name))).toEqual([]);
  });

  it('converges a GeoService on the swarm with `run --once`', async () => {
    const namespace = uniqueName('bundle');
    const dir = mkdtempSync(join(tmpdir(), 'kargo-bundle-run-'));
    const swarm = testSwarm();
    try {
      writeFileSync(join(dir, 'web.yaml'), `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: web, namespace: ${namespace} }\nspec:\n  image: ${localImages.http.name}\n  replicas: 0\n`);
      const result = await runBundle(['run', '--once', '--manifests', dir, '--namespaces', namespace, '--log-level', 'warn'], { env: { DOCKER_HOST: inject('dockerHost') } });
      expect(result.stderr + result.stdout).not.toMatch(/"level":(50|60)/);
      expect(result.code).toBe(0);
      const [service] = await swarm.listServices({ name: [`${namespace}_web`] });
      expect(isManagedByKargo(service?.Spec.Labels)).toBe(true);
    } finally {
      const services = await swarm.listServices({ name: [`${namespace}_web`] });
      await Promise.all(services.map((service) => swarm.removeService(service.ID)));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
