import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import { desiredStateOf } from '../../src/core/desired-state.js';
import { renderRunSpec } from '../../src/core/render/render-job-spec.js';
import { formatRunSlot, parseRunSlot, runServiceName } from '../../src/core/jobs/run-slot.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKargo } from '../support/cli.js';

const job = (name: string, spec: string, namespace = 'geo'): string => `apiVersion: kargo.io/v1alpha1\nkind: GeoJob\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec:\n  image: busybox\n${spec}`;
const parse = (...texts: string[]) => parseManifests(texts.map((text, index) => ({ path: `m${String(index)}.yaml`, text })), manifestValidators);

describe('GeoJob manifests', () => {
  it('loads a GeoJob by its key, with its workload and the namespace default network', () => {
    const set = parse(job('hubeau', '  schedule: "*/5 * * * * *"\n  command: [sh, -c, "exit 0"]\n  configs: [{ content: "x", target: /job.js }]\n'));
    expect(set.problems).toEqual([]);
    expect(set.manifests).toEqual([]);
    expect(set.jobs.map((loaded) => [loaded.key, loaded.workload.spec.command])).toEqual([['GeoJob/geo/hubeau', ['sh', '-c', 'exit 0']]]);
    const state = desiredStateOf(set, '.', 'r1');
    expect(state.networks.map((network) => network.key)).toEqual(['Network/geo/default']);
    const [desired] = state.jobs;
    expect(desired?.concurrencyPolicy).toBe('Forbid');
    expect(desired?.history).toEqual({ succeeded: 3, failed: 1 });
    expect(desired?.files.map((file) => file.labels['io.kargo.geojob'])).toEqual(['geo/hubeau']);
  });

  it('renders each run as a replicated job Swarm never restarts, owned by the GeoJob and named after its slot', () => {
    const set = parse(job('seed', '  completions: 3\n  parallelism: 2\n  activeDeadline: 90s\n  stopSignal: SIGINT\n'));
    const [desired] = desiredStateOf(set, '.', 'r1').jobs;
    if (desired === undefined) throw new Error('no job');
    expect(desired.activeDeadlineMs).toBe(90_000);
    const spec = renderRunSpec(desired, { kind: 'scheduled', at: new Date('2026-01-02T03:04:05Z') });
    expect(spec.Name).toBe('geo_seed-s20260102030405');
    expect(spec.Mode).toEqual({ ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 3 } });
    expect(spec.TaskTemplate?.RestartPolicy).toEqual({ Condition: 'none' });
    expect(spec.TaskTemplate?.ContainerSpec?.StopSignal).toBe('SIGINT');
    expect(spec.Labels).toMatchObject({ 'io.kargo.geojob': 'geo/seed', 'io.kargo.run-slot': '2026-01-02T03:04:05.000Z', 'io.kargo.managed-by': 'kargo', 'io.kargo.spec-hash': desired.specHash });
    expect(spec.Labels?.['io.kargo.geoservice']).toBeUndefined();
  });

  it.each([
    ['  schedule: "* * * *"\n', 'spec.schedule', 'invalid-field'],
    ['  schedule: "* * * * *"\n  timeZone: Nowhere/City\n', 'spec.timeZone', 'invalid-field'],
    ['  timeZone: UTC\n', 'spec.timeZone', 'invalid-field'],
    ['  startingDeadline: 1m\n', 'spec.startingDeadline', 'invalid-field'],
    ['  concurrencyPolicy: Sometimes\n', 'spec.concurrencyPolicy', 'schema'],
    ['  replicas: 2\n', 'spec.replicas', 'schema'],
    ['  labels: { io.kargo.geojob: x }\n', 'spec.labels.io.kargo.geojob', 'invalid-field'],
    ['  volumes: [{ type: bind, source: /var/run/docker.sock, target: /s }]\n', 'spec.volumes[0].source', 'policy-denied'],
  ])('refuses %j at %s (%s)', (spec, field, code) => {
    const set = parse(job('bad', spec));
    expect(set.jobs).toEqual([]);
    expect(set.problems.map((problem) => [problem.field, problem.code, problem.key])).toContainEqual([field, code, 'GeoJob/geo/bad']);
  });

  it('leaves room in the name for the slot stamp of its runs', () => {
    const set = parse(job('a'.repeat(44), ''));
    expect(set.problems.map((problem) => [problem.field, problem.code])).toEqual([['metadata.name', 'invalid-name']]);
  });

  it('checks the networks a GeoJob names, and tells a job and a service of the same name apart', () => {
    const set = parse(job('x', '  networks: [back]\n'), 'apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: x, namespace: geo }\nspec: { image: y }\n');
    expect(set.problems.map((problem) => [problem.code, problem.key])).toEqual([['unknown-network', 'GeoJob/geo/x']]);
    expect(set.manifests.map((loaded) => loaded.key)).toEqual(['geo/x']);
  });

  it('applies the policy to a job as to a GeoService', () => {
    const policy = { policy: { origin: 'policy p.yaml', defaults: { runAsRoot: false }, namespaces: new Map() } };
    const set = parseManifests([{ path: 'm.yaml', text: job('root', '  user: "0"\n') }], manifestValidators, undefined, policy);
    expect(set.problems.map((problem) => [problem.field, problem.rule])).toEqual([['spec.user', 'runAsRoot']]);
  });
});

describe('kargo validate', () => {
  it('counts GeoJobs and reports their problems at their line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kargo-geojob-validate-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), job('feed', '  schedule: "0 */15 * * * *"\n  timeZone: Europe/Paris\n'));
      expect((await runKargo(['validate', dir])).stdout).toContain('0 GeoService and 1 GeoJob manifest(s) valid in 1 file(s)');
      writeFileSync(join(dir, 'b.yaml'), job('bad', '  schedule: "*/15 * * *"\n'));
      const result = await runKargo(['validate', dir]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/b\.yaml:6:13: error: "\*\/15 \* \* \*" has 4 field\(s\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('run slots', () => {
  it.each([
    [{ kind: 'scheduled', at: new Date('2026-05-06T07:08:09Z') }, '2026-05-06T07:08:09.000Z', 'geo_j-s20260506070809'],
    [{ kind: 'manual', at: new Date('2026-05-06T07:08:09.123Z') }, 'manual-2026-05-06T07:08:09.123Z', `geo_j-m${new Date('2026-05-06T07:08:09.123Z').getTime().toString(16).padStart(14, '0')}`],
    [{ kind: 'spec', specHash: 'abcdef0123456789abcdef' }, 'spec-abcdef01234567', 'geo_j-habcdef01234567'],
  ] as const)('%j is labelled %s and named %s', (slot, label, name) => {
    expect(formatRunSlot(slot)).toBe(label);
    expect(runServiceName('geo', 'j', slot)).toBe(name);
    expect(runServiceName('geo', 'j', slot).length - 'geo_j'.length).toBe(16);
    const back = parseRunSlot(label);
    expect(back?.kind).toBe(slot.kind);
  });

  it('reads no slot from a label Kargo did not write', () => {
    expect(parseRunSlot('yesterday')).toBeUndefined();
    expect(parseRunSlot(undefined)).toBeUndefined();
  });
});
