/**
 * One repository, several swarms (issue 19): `kargo validate --values` on the fixture under
 * test/fixtures/values, whose manifests use ${TAG}, ${REPLICAS:-1} and a constraint from a value.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import { ExitCode } from '../../src/cli/kargo.js';
import { parseRunConfig } from '../../src/cli/run-config.js';
import { ErrorCode } from '../../src/errors.js';
import { runKargo } from '../support/cli.js';

const fixture = fileURLToPath(new URL('../fixtures/values', import.meta.url));
const manifests = join(fixture, 'manifests');
const values = (name: string): string => join(fixture, `${name}.env`);

async function geoserverSpec(...valuesFiles: string[]): Promise<unknown> {
  const set = await createManifestLoader({ valuesFiles })([manifests]);
  expect(set.problems).toEqual([]);
  return set.manifests.find((manifest) => manifest.key === 'geo/geoserver')?.resource.spec;
}

describe('kargo validate --values', () => {
  it.each(['staging', 'prod'])('passes with %s.env', async (name) => {
    const result = await runKargo(['validate', '--values', values(name), manifests]);
    expect(result.stdout).toContain('2 GeoService manifest(s) valid in 2 file(s)');
    expect(result.code).toBe(ExitCode.Ok);
  });

  it('renders each cluster its own services: tag, replicas (an integer, or the default) and constraint', async () => {
    expect(await geoserverSpec(values('staging'))).toMatchObject({
      image: 'docker.osgeo.org/geoserver:2.26.0',
      replicas: 1,
      placement: { constraints: ['node.role == worker'] },
      env: { GEOSERVER_CSRF_WHITELIST: 'maps.staging.example.org', JAVA_OPTS: '-Xmx${HEAP:-1g}' },
    });
    expect(await geoserverSpec(values('prod'))).toMatchObject({ image: 'docker.osgeo.org/geoserver:2.25.2', replicas: 3, placement: { constraints: ['node.labels.geodata == true'] } });
  });

  it('takes later files over earlier ones', async () => {
    expect(await geoserverSpec(values('prod'), values('staging'))).toMatchObject({ image: 'docker.osgeo.org/geoserver:2.26.0', replicas: 3 });
  });

  it('fails on an unset variable with file:line:col and its name, and holds only that manifest', async () => {
    const result = await runKargo(['validate', '--values', values('incomplete'), manifests]);
    expect(result.code).toBe(ExitCode.Failed);
    expect(result.stdout).toContain(`${join(manifests, 'geoserver.yaml')}:7:37: error: variable TAG is not set`);
    expect(result.stdout).toContain('1 problem(s) in 1 file(s); 1 GeoService manifest(s) valid');
  });

  it('fails without values: the manifests need TAG', async () => {
    const result = await runKargo(['validate', manifests]);
    expect(result.code).toBe(ExitCode.Failed);
    expect(result.stdout).toMatch(/geoserver\.yaml:7:37: error: variable TAG is not set/);
    expect(result.stdout).toMatch(/geoserver\.yaml:11:9: error: variable GEODATA_CONSTRAINT is not set/);
  });

  it('reads KARGO_VALUES (comma-separated) when there is no --values', async () => {
    const result = await runKargo(['validate', manifests], { KARGO_VALUES: `${values('incomplete')},${values('prod')}` });
    expect(result.code).toBe(ExitCode.Ok);
  });

  it('reports the unset variable in JSON too, with its stable code and GeoService', async () => {
    const result = await runKargo(['validate', '--output', 'json', '--values', values('incomplete'), manifests]);
    const report = JSON.parse(result.stdout) as { problems: unknown[] };
    expect(report.problems).toEqual([expect.objectContaining({ line: 7, column: 37, code: 'unset-variable', key: 'geo/geoserver' })]);
  });

  it('stops on a values file it cannot read, never taking it for empty', async () => {
    await expect(runKargo(['validate', '--values', values('missing'), manifests])).rejects.toMatchObject({ code: ErrorCode.ValuesFileUnreadable });
  });
});

describe('kargo run --values', () => {
  it('is repeatable, in order, as absolute paths (the watch and the loader agree on them)', () => {
    expect(parseRunConfig(['--values', 'a.env', '--values', '/etc/kargo/b.env'], {}).values).toEqual([resolve('a.env'), '/etc/kargo/b.env']);
  });

  it('falls back to KARGO_VALUES, comma-separated, and to none', () => {
    expect(parseRunConfig([], { KARGO_VALUES: '/v/a.env, /v/b.env' }).values).toEqual(['/v/a.env', '/v/b.env']);
    expect(parseRunConfig(['--values', '/v/c.env'], { KARGO_VALUES: '/v/a.env' }).values).toEqual(['/v/c.env']);
    expect(parseRunConfig([], {}).values).toEqual([]);
  });
});
