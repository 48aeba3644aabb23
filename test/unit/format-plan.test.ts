/**
 * formatPlan, summary and hasPendingChanges: the counts and pending flag for each kind of step,
 * then the lines printed for each kind.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeAction, ChangeSetEntry, FieldChange } from '../../src/core/diff/change-set.js';
import { formatPlan, hasPendingChanges, summary, type DiffStyle } from '../../src/core/diff/format-plan.js';
import type { Plan, PlanStep } from '../../src/core/diff/plan-changes.js';
import type { Service } from '../../src/core/swarm/engine-api.js';

function entry(name: string, action: ChangeAction, changes: readonly FieldChange[] = [], recreateReasons: readonly string[] = []): ChangeSetEntry {
  return { name, action, changes, recreateReasons };
}

function service(name: string): Service {
  return { ID: `id-${name}`, Version: { Index: 7 }, Spec: { Name: name } };
}

function step(kind: PlanStep['kind'], key = 'geo/web'): PlanStep {
  const name = key.replace('/', '_');
  switch (kind) {
    case 'create':
      return { kind, key, entry: entry(name, 'created', [{ path: 'TaskTemplate.ContainerSpec.Image', to: 'nginx:1.27' }]), spec: { Name: name } };
    case 'update':
      return {
        kind,
        key,
        entry: entry(name, 'configured', [{ path: 'TaskTemplate.ContainerSpec.Image', from: 'nginx:1.27', to: 'nginx:1.28' }]),
        spec: { Name: name },
        service: service(name),
      };
    case 'unchanged':
      return { kind, key, entry: entry(name, 'unchanged'), service: service(name) };
    case 'delete':
      return { kind, key, entry: entry(name, 'deleted', [{ path: 'Name', from: name }]), service: service(name) };
    case 'conflict':
      return { kind, key, name, reason: `service ${name} exists and is not managed by Kargo`, service: service(name) };
    case 'hold':
      return { kind, key, name, reason: 'suspended (spec.suspend: true)' };
  }
}

const kindRows: readonly (readonly [PlanStep['kind'], string, boolean])[] = [
  ['create', 'plan: 1 to create, 0 to update, 0 to delete, 0 unchanged', true],
  ['update', 'plan: 0 to create, 1 to update, 0 to delete, 0 unchanged', true],
  ['delete', 'plan: 0 to create, 0 to update, 1 to delete, 0 unchanged', true],
  ['unchanged', 'plan: 0 to create, 0 to update, 0 to delete, 1 unchanged', false],
  ['conflict', 'plan: 0 to create, 0 to update, 0 to delete, 0 unchanged, 1 in conflict', false],
  ['hold', 'plan: 0 to create, 0 to update, 0 to delete, 0 unchanged, 1 held', false],
];

describe('summary', () => {
  it('counts zero of each kind in an empty plan', () => {
    expect(summary({ steps: [] })).toBe('plan: 0 to create, 0 to update, 0 to delete, 0 unchanged');
  });

  it.each(kindRows)('counts one %s step', (kind, text) => {
    expect(summary({ steps: [step(kind)] })).toBe(text);
  });

  it('counts several steps of every kind', () => {
    const kinds: PlanStep['kind'][] = ['create', 'create', 'update', 'delete', 'unchanged', 'unchanged', 'unchanged', 'conflict', 'hold', 'hold'];
    const plan: Plan = { steps: kinds.map((kind, index) => step(kind, `geo/s${String(index)}`)) };
    expect(summary(plan)).toBe('plan: 2 to create, 1 to update, 1 to delete, 3 unchanged, 1 in conflict, 2 held');
  });
});

describe('hasPendingChanges', () => {
  it('is false for an empty plan', () => {
    expect(hasPendingChanges({ steps: [] })).toBe(false);
  });

  it.each(kindRows.map(([kind, , pending]) => [kind, pending] as const))('for one %s step is %s', (kind, pending) => {
    expect(hasPendingChanges({ steps: [step(kind)] })).toBe(pending);
  });

  it('is true when one write is among steps that write nothing', () => {
    const plan: Plan = { steps: [step('conflict', 'geo/a'), step('hold', 'geo/b'), step('unchanged', 'geo/c'), step('delete', 'geo/d')] };
    expect(hasPendingChanges(plan)).toBe(true);
  });

  it('is false for a refused prune whose services are all held', () => {
    const plan: Plan = { steps: [step('hold', 'geo/a'), step('hold', 'geo/b')], pruneRefused: 'no manifest was loaded' };
    expect(hasPendingChanges(plan)).toBe(false);
  });
});

describe('formatPlan', () => {
  it('prints a created service with each of its fields', () => {
    expect(formatPlan({ steps: [step('create')] })).toBe(
      '+ geo/web (create geo_web)\n    TaskTemplate.ContainerSpec.Image: "nginx:1.27"\nplan: 1 to create, 0 to update, 0 to delete, 0 unchanged\n',
    );
  });

  it('prints an added, a removed and a changed field of an updated service', () => {
    const update: PlanStep = {
      kind: 'update',
      key: 'geo/web',
      entry: entry('geo_web', 'configured', [
        { path: 'Labels[team]', to: 'gis' },
        { path: 'Mode.Replicated.Replicas', from: 2, to: 3 },
        { path: 'TaskTemplate.ContainerSpec.Env[DEBUG]', from: '1' },
      ]),
      spec: { Name: 'geo_web' },
      service: service('geo_web'),
    };
    expect(formatPlan({ steps: [update] })).toBe(
      [
        '~ geo/web (update geo_web)',
        '    + Labels[team]: "gis"',
        '    ~ Mode.Replicated.Replicas: 2 → 3',
        '    - TaskTemplate.ContainerSpec.Env[DEBUG]: "1"',
        'plan: 0 to create, 1 to update, 0 to delete, 0 unchanged',
        '',
      ].join('\n'),
    );
  });

  it('prints the recreate reasons in the header of an update', () => {
    const update: PlanStep = {
      kind: 'update',
      key: 'geo/web',
      entry: entry('geo_web', 'configured', [{ path: 'Mode.Global', to: true }], ['mode changes from replicated to global']),
      spec: { Name: 'geo_web' },
      service: service('geo_web'),
    };
    expect(formatPlan({ steps: [update] }).split('\n')[0]).toBe('~ geo/web (update geo_web; recreate: mode changes from replicated to global)');
  });

  it('prints a deleted service as one line', () => {
    expect(formatPlan({ steps: [step('delete')] })).toBe('- geo/web (delete geo_web)\nplan: 0 to create, 0 to update, 1 to delete, 0 unchanged\n');
  });

  it('prints a conflict with its reason', () => {
    expect(formatPlan({ steps: [step('conflict')] }).split('\n')[0]).toBe('! geo/web conflict: service geo_web exists and is not managed by Kargo');
  });

  it('prints a hold with the service name and reason', () => {
    expect(formatPlan({ steps: [step('hold')] }).split('\n')[0]).toBe('= geo/web (geo_web) held: suspended (spec.suspend: true)');
  });

  it('prints nothing but the summary for an unchanged service', () => {
    expect(formatPlan({ steps: [step('unchanged')] })).toBe('plan: 0 to create, 0 to update, 0 to delete, 1 unchanged\n');
  });

  it('prints a refused prune just before the summary', () => {
    const text = formatPlan({ steps: [step('hold')], pruneRefused: 'no manifest was loaded' });
    expect(text.split('\n').slice(-3)).toEqual(['! prune refused: no manifest was loaded', 'plan: 0 to create, 0 to update, 0 to delete, 0 unchanged, 1 held', '']);
  });

  it('passes every line through the style hooks', () => {
    const style: DiffStyle = { added: (t) => `<a>${t}`, removed: (t) => `<r>${t}`, changed: (t) => `<c>${t}`, dim: (t) => `<d>${t}` };
    const text = formatPlan({ steps: [step('create', 'geo/a'), step('update', 'geo/b'), step('delete', 'geo/c'), step('hold', 'geo/d')] }, style);
    expect(text.split('\n').map((line) => line.slice(0, 3))).toEqual(['<a>', '<a>', '<c>', '<c>', '<r>', '<d>', 'pla', '']);
  });
});
