/**
 * Per-cluster values on a real swarm (issue 19): a values file outside the manifests directory is
 * watched like the manifests, a change of one value writes only the GeoServices that use it, and
 * the revision tells a values change apart from a manifest change.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ownershipLabels } from '../../src/core/render/ownership.js';
import { httpManifest, useKargo, type RunningKargo } from '../support/running-kargo.js';
import { testSwarm, waitFor, waitForUpdateState } from '../support/swarm.js';

const swarm = testSwarm();
const startKargo = useKargo();
const valuesDir = mkdtempSync(join(tmpdir(), 'kargo-values-'));
const valuesFile = join(valuesDir, 'cluster.env');

afterAll(() => rmSync(valuesDir, { recursive: true, force: true }));

/** Replaces the values file the way an editor or a config management tool does: write aside, rename over. */
function writeValues(text: string): void {
  const aside = `${valuesFile}.tmp`;
  writeFileSync(aside, text);
  renameSync(aside, valuesFile);
}

async function versionsAndRevisions(k: RunningKargo): Promise<Record<string, { version: number; revision: string }>> {
  const services = await k.services();
  return Object.fromEntries([...services].map(([name, service]) => [name.split('_')[1] ?? name, { version: service.Version.Index, revision: service.Spec.Labels?.[ownershipLabels.revision] ?? '' }]));
}

describe('kargo run --values', () => {
  it('writes only the GeoService whose value changed, and shows the values in the revision', async () => {
    writeFileSync(valuesFile, 'ALPHA_RESPONSE=alpha-one\nBETA_RESPONSE=beta-one\n');
    const k = await startKargo(
      {
        'alpha.yaml': (ns) => httpManifest(ns, 'alpha', '', 'RESPONSE: ${ALPHA_RESPONSE}'),
        'beta.yaml': (ns) => httpManifest(ns, 'beta', '', 'RESPONSE: "${BETA_RESPONSE}"'),
        'gamma.yaml': (ns) => httpManifest(ns, 'gamma', '', 'RESPONSE: ${GAMMA_RESPONSE:-gamma}'),
      },
      { values: [valuesFile] },
    );
    for (const name of ['alpha', 'beta', 'gamma']) await k.waitForCondition(name, 'Ready');
    const before = await versionsAndRevisions(k);
    expect(before['alpha']?.revision).toMatch(/^sha256:[0-9a-f]{12}\+values\.[0-9a-f]{12}$/);
    const writes = { ...k.swarm.writes };

    writeValues('ALPHA_RESPONSE=alpha-two\nBETA_RESPONSE=beta-one\n');
    const alpha = `${k.namespace}_alpha`;
    const updated = await waitFor('the new value to reach Swarm', async () => {
      const service = (await k.services()).get(alpha);
      return service?.Spec.TaskTemplate?.ContainerSpec?.Env?.includes('RESPONSE=alpha-two') === true ? service : undefined;
    });
    await waitForUpdateState(swarm, updated.ID, 'completed', { timeoutMs: 90_000 });
    await k.waitForCondition('alpha', 'Ready');

    const after = await versionsAndRevisions(k);
    expect(k.swarm.writes).toEqual({ ...writes, update: writes.update + 1 });
    expect(after['beta']?.version).toBe(before['beta']?.version);
    expect(after['gamma']?.version).toBe(before['gamma']?.version);
    // The manifests did not change, the values did: the same content hash, another values hash.
    const [manifestsBefore, valuesBefore] = (before['alpha']?.revision ?? '').split('+');
    const [manifestsAfter, valuesAfter] = (after['alpha']?.revision ?? '').split('+');
    expect(manifestsAfter).toBe(manifestsBefore);
    expect(valuesAfter).not.toBe(valuesBefore);
    expect(k.status('alpha')?.observedRevision).toBe(after['alpha']?.revision);
    expect(k.logs.find((line) => line['action'] === 'configured')?.['fields']).toEqual(['TaskTemplate.ContainerSpec.Env[RESPONSE]']);
    // Kargo logs revisions, never values (at info and above).
    const logged = k.logs.filter((line) => Number(line['level']) >= 30).map((line) => JSON.stringify(line)).join('\n');
    expect(logged).not.toMatch(/alpha-one|alpha-two|beta-one/);
  });

  it('holds the service of a manifest whose variable lost its value, and names the variable', async () => {
    writeFileSync(valuesFile, 'ALPHA_RESPONSE=alpha-one\n');
    const k = await startKargo({ 'alpha.yaml': (ns) => httpManifest(ns, 'alpha', '', 'RESPONSE: ${ALPHA_RESPONSE}') }, { values: [valuesFile] });
    await k.waitForCondition('alpha', 'Ready');
    const writes = { ...k.swarm.writes };
    writeValues('# emptied by mistake\n');
    const problem = await waitFor('the unset variable to be reported', () => k.operator?.controller.currentSnapshot?.problems.find((p) => p.code === 'unset-variable'));
    expect(problem).toMatchObject({ key: `${k.namespace}/alpha`, line: 7, column: 20 });
    expect(problem.message).toContain('ALPHA_RESPONSE');
    await k.operator?.controller.resync();
    expect(k.swarm.writes).toEqual(writes);
    expect((await k.services()).has(`${k.namespace}_alpha`)).toBe(true);
  });
});
