/**
 * Golden diffs: each directory of test/fixtures/diff holds a GeoService manifest (desired.yaml),
 * the Swarm service as the engine returns it (live.json, with the defaults Swarm fills in and
 * network IDs), optionally the network names (networks.json, ID → name), and the plan Kargo
 * prints for the pair (expected.txt). UPDATE_GOLDEN=1 rewrites expected.txt: review it by eye.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../src/core/diff/format-plan.js';
import { planChanges, type DesiredService, type PlanPolicy } from '../../src/core/diff/plan-changes.js';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import { renderServiceSpec } from '../../src/core/render/render-service-spec.js';
import type { Service } from '../../src/core/swarm/engine-api.js';

const casesDir = 'test/fixtures/diff';
const validate = manifestValidators;

const cases = readdirSync(casesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function desiredServices(dir: string): DesiredService[] {
  const set = parseManifests([{ path: 'desired.yaml', text: readFileSync(join(dir, 'desired.yaml'), 'utf8') }], validate);
  if (set.problems.length > 0) throw new Error(`${dir}/desired.yaml: ${set.problems.map((problem) => problem.message).join('; ')}`);
  return set.manifests.map(({ key, resource }) => {
    const spec = renderServiceSpec(resource, { revision: 'golden', sourceFile: 'desired.yaml' });
    const name = spec.Name;
    if (name === undefined) throw new Error(`${dir}: the rendered spec of ${key} has no name`);
    return { key, spec: { ...spec, Name: name }, adopt: false, suspended: false };
  });
}

function liveServices(dir: string): Service[] {
  return [JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')) as Service];
}

function networkNames(dir: string): Map<string, string> {
  const file = join(dir, 'networks.json');
  if (!existsSync(file)) return new Map();
  return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>));
}

describe('golden diffs of a manifest against its live Swarm service', () => {
  it('has at least six cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  it.each(cases)('prints the expected plan for %s', (name) => {
    const dir = join(casesDir, name);
    const desired = desiredServices(dir);
    const policy: PlanPolicy = { prune: true, allowEmpty: false, sourceEmpty: desired.length === 0, protectedKeys: new Set(), protectedFiles: new Set(), unidentifiedFiles: new Set() };
    const plan = planChanges(desired, { services: liveServices(dir), networkNames: networkNames(dir) }, policy);
    const text = formatPlan(plan);
    const golden = join(dir, 'expected.txt');
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});
