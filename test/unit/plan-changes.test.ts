/**
 * planChanges: one table row per plan rule (create, update, unchanged, delete, conflict, adoption,
 * suspend, protected keys and files, prune off, refusing to prune an empty source), then the order of
 * the steps, then that a service Kargo does not own is never deleted.
 */
import { describe, expect, it } from 'vitest';
import { planChanges, type DesiredService, type Plan, type PlanPolicy, type PlanStep } from '../../src/core/diff/plan-changes.js';
import type { Service, ServiceSpec } from '../../src/core/swarm/engine-api.js';

function policy(overrides: Partial<PlanPolicy> = {}): PlanPolicy {
  return { prune: true, allowEmpty: false, sourceEmpty: false, protectedKeys: new Set(), protectedFiles: new Set(), unidentifiedFiles: new Set(), ...overrides };
}

function nameOf(key: string): string {
  return key.replace('/', '_');
}

/** The spec Kargo renders for `key`, with its ownership and provenance labels. */
function ownedSpec(key: string, image: string, revision: string): ServiceSpec & { Name: string } {
  const [namespace = 'default', name = key] = key.split('/');
  return {
    Name: nameOf(key),
    Labels: {
      'com.docker.stack.namespace': namespace,
      'io.kargo.geoservice': key,
      'io.kargo.managed-by': 'kargo',
      'io.kargo.revision': revision,
      'io.kargo.source': `${name}.yaml`,
      'io.kargo.spec-hash': `hash-of-${image}`,
    },
    TaskTemplate: { ContainerSpec: { Image: image } },
    Mode: { Replicated: { Replicas: 1 } },
  };
}

interface DesiredOptions {
  readonly image?: string;
  readonly adopt?: boolean;
  readonly suspended?: boolean;
}

function desired(key: string, options: DesiredOptions = {}): DesiredService {
  return { key, spec: ownedSpec(key, options.image ?? 'nginx:1.27', 'r2'), adopt: options.adopt ?? false, suspended: options.suspended ?? false };
}

/** A service Kargo created for `key` at an older revision; `image` defaults to what `desired` wants. */
function owned(key: string, image = 'nginx:1.27', name = nameOf(key)): Service {
  return { ID: `id-${name}`, Version: { Index: 10 }, Spec: { ...ownedSpec(key, image, 'r1'), Name: name } };
}

/** A service someone else created: no Kargo labels. */
function foreign(name: string, image = 'nginx:1.27'): Service {
  return { ID: `id-${name}`, Version: { Index: 3 }, Spec: { Name: name, Labels: {}, TaskTemplate: { ContainerSpec: { Image: image } }, Mode: { Replicated: { Replicas: 1 } } } };
}

interface StepSummary {
  readonly kind: PlanStep['kind'];
  readonly key: string;
  readonly reason?: unknown;
}

function summarise(plan: Plan): StepSummary[] {
  return plan.steps.map((step) => (step.kind === 'conflict' || step.kind === 'hold' ? { kind: step.kind, key: step.key, reason: step.reason } : { kind: step.kind, key: step.key }));
}

function stepOf<K extends PlanStep['kind']>(plan: Plan, kind: K): Extract<PlanStep, { kind: K }> {
  const step = plan.steps.find((candidate): candidate is Extract<PlanStep, { kind: K }> => candidate.kind === kind);
  if (step === undefined) throw new Error(`no ${kind} step among ${JSON.stringify(plan.steps.map((s) => s.kind))}`);
  return step;
}

interface RuleRow {
  readonly rule: string;
  readonly desired: readonly DesiredService[];
  readonly live: readonly Service[];
  readonly policy: PlanPolicy;
  readonly steps: readonly StepSummary[];
  readonly pruneRefused: boolean;
}

const refusal = expect.stringContaining('no manifest was loaded') as unknown;
const failedToLoad = expect.stringContaining('its manifest failed to load') as unknown;
const unidentifiedRefusal = 'geo/moved.yaml could not be read far enough to tell which GeoServices it declares: removing no service until it loads';

const ruleRows: readonly RuleRow[] = [
  {
    rule: 'creates a desired service that does not exist',
    desired: [desired('geo/web')],
    live: [],
    policy: policy(),
    steps: [{ kind: 'create', key: 'geo/web' }],
    pruneRefused: false,
  },
  {
    rule: 'leaves an owned service equal to its manifest unchanged, whatever revision it was made at',
    desired: [desired('geo/web')],
    live: [owned('geo/web')],
    policy: policy(),
    steps: [{ kind: 'unchanged', key: 'geo/web' }],
    pruneRefused: false,
  },
  {
    rule: 'updates an owned service that differs from its manifest',
    desired: [desired('geo/web', { image: 'nginx:1.28' })],
    live: [owned('geo/web')],
    policy: policy(),
    steps: [{ kind: 'update', key: 'geo/web' }],
    pruneRefused: false,
  },
  {
    rule: 'deletes an owned service no manifest wants, with prune on',
    desired: [desired('geo/web')],
    live: [owned('geo/web'), owned('geo/old')],
    policy: policy(),
    steps: [
      { kind: 'delete', key: 'geo/old' },
      { kind: 'unchanged', key: 'geo/web' },
    ],
    pruneRefused: false,
  },
  {
    rule: "holds Kargo's own service, even owned and wanted by no manifest, with prune on",
    desired: [desired('geo/web')],
    live: [owned('geo/web'), owned('kargo/kargo')],
    policy: policy({ selfService: 'kargo_kargo' }),
    steps: [
      { kind: 'hold', key: 'kargo/kargo', reason: 'Kargo runs as this service: it never removes itself' },
      { kind: 'unchanged', key: 'geo/web' },
    ],
    pruneRefused: false,
  },
  {
    rule: 'holds an owned service no manifest wants, with prune off',
    desired: [desired('geo/web')],
    live: [owned('geo/web'), owned('geo/old')],
    policy: policy({ prune: false }),
    steps: [
      { kind: 'hold', key: 'geo/old', reason: 'no manifest wants it, and pruning is off' },
      { kind: 'unchanged', key: 'geo/web' },
    ],
    pruneRefused: false,
  },
  {
    rule: 'reports a conflict for a service of the same name that Kargo does not own',
    desired: [desired('geo/web')],
    live: [foreign('geo_web')],
    policy: policy(),
    steps: [{ kind: 'conflict', key: 'geo/web', reason: expect.stringContaining('is not managed by Kargo (annotate the manifest kargo.io/adopt: "true"') as unknown }],
    pruneRefused: false,
  },
  {
    rule: 'updates a service Kargo does not own when the manifest adopts it',
    desired: [desired('geo/web', { adopt: true })],
    live: [foreign('geo_web')],
    policy: policy(),
    steps: [{ kind: 'update', key: 'geo/web' }],
    pruneRefused: false,
  },
  {
    rule: 'reports a conflict for a service of the same name owned by another GeoService, and does not prune it',
    desired: [desired('geo/web')],
    live: [owned('geo/legacy', 'nginx:1.27', 'geo_web')],
    policy: policy(),
    steps: [{ kind: 'conflict', key: 'geo/web', reason: 'service geo_web belongs to GeoService geo/legacy' }],
    pruneRefused: false,
  },
  {
    rule: 'reports a conflict for a service owned by another GeoService even when the manifest adopts',
    desired: [desired('geo/web', { adopt: true })],
    live: [owned('geo/legacy', 'nginx:1.27', 'geo_web')],
    policy: policy(),
    steps: [{ kind: 'conflict', key: 'geo/web', reason: 'service geo_web belongs to GeoService geo/legacy' }],
    pruneRefused: false,
  },
  {
    rule: 'holds a suspended service that differs from its manifest',
    desired: [desired('geo/web', { image: 'nginx:1.28', suspended: true })],
    live: [owned('geo/web')],
    policy: policy(),
    steps: [{ kind: 'hold', key: 'geo/web', reason: 'suspended (spec.suspend: true)' }],
    pruneRefused: false,
  },
  {
    rule: 'holds a suspended service that does not exist yet',
    desired: [desired('geo/web', { suspended: true })],
    live: [],
    policy: policy(),
    steps: [{ kind: 'hold', key: 'geo/web', reason: 'suspended (spec.suspend: true)' }],
    pruneRefused: false,
  },
  {
    rule: 'leaves a suspended service that is in sync unchanged',
    desired: [desired('geo/web', { suspended: true })],
    live: [owned('geo/web')],
    policy: policy(),
    steps: [{ kind: 'unchanged', key: 'geo/web' }],
    pruneRefused: false,
  },
  {
    rule: 'holds an owned service whose manifest key failed to load, with prune on',
    desired: [desired('geo/web')],
    live: [owned('geo/web'), owned('geo/broken')],
    policy: policy({ protectedKeys: new Set(['geo/broken']) }),
    steps: [
      { kind: 'hold', key: 'geo/broken', reason: failedToLoad },
      { kind: 'unchanged', key: 'geo/web' },
    ],
    pruneRefused: false,
  },
  {
    rule: 'holds an owned service whose source file failed to load, with prune on',
    desired: [desired('geo/web')],
    live: [owned('geo/web'), owned('geo/broken')],
    policy: policy({ protectedFiles: new Set(['broken.yaml']) }),
    steps: [
      { kind: 'hold', key: 'geo/broken', reason: failedToLoad },
      { kind: 'unchanged', key: 'geo/web' },
    ],
    pruneRefused: false,
  },
  {
    rule: 'deletes an owned service when another file failed to load',
    desired: [desired('geo/web')],
    live: [owned('geo/web'), owned('geo/old')],
    policy: policy({ protectedKeys: new Set(['geo/broken']), protectedFiles: new Set(['broken.yaml']) }),
    steps: [
      { kind: 'delete', key: 'geo/old' },
      { kind: 'unchanged', key: 'geo/web' },
    ],
    pruneRefused: false,
  },
  {
    rule: 'refuses to prune when no manifest was loaded, holding every owned service',
    desired: [],
    live: [owned('geo/web'), owned('geo/old')],
    policy: policy({ sourceEmpty: true }),
    steps: [
      { kind: 'hold', key: 'geo/old', reason: refusal },
      { kind: 'hold', key: 'geo/web', reason: refusal },
    ],
    pruneRefused: true,
  },
  {
    rule: 'holds a protected service for its failed manifest rather than for the prune refusal',
    desired: [],
    live: [owned('geo/broken')],
    policy: policy({ sourceEmpty: true, protectedFiles: new Set(['broken.yaml']) }),
    steps: [{ kind: 'hold', key: 'geo/broken', reason: failedToLoad }],
    pruneRefused: true,
  },
  {
    rule: 'prunes every owned service when no manifest was loaded and empty is allowed',
    desired: [],
    live: [owned('geo/web'), owned('geo/old')],
    policy: policy({ sourceEmpty: true, allowEmpty: true }),
    steps: [
      { kind: 'delete', key: 'geo/old' },
      { kind: 'delete', key: 'geo/web' },
    ],
    pruneRefused: false,
  },
  {
    rule: 'refuses to prune while a file failed before naming its GeoServices (its services may carry an older source label)',
    desired: [desired('geo/web')],
    live: [owned('geo/web'), owned('geo/moved')],
    policy: policy({ protectedFiles: new Set(['geo/moved.yaml']), unidentifiedFiles: new Set(['geo/moved.yaml']) }),
    steps: [
      { kind: 'hold', key: 'geo/moved', reason: unidentifiedRefusal },
      { kind: 'unchanged', key: 'geo/web' },
    ],
    pruneRefused: true,
  },
  {
    rule: 'refuses to prune while a file failed before naming its GeoServices, even when empty is allowed',
    desired: [],
    live: [owned('geo/web')],
    policy: policy({ sourceEmpty: true, allowEmpty: true, protectedFiles: new Set(['manifests']), unidentifiedFiles: new Set(['manifests']) }),
    steps: [{ kind: 'hold', key: 'geo/web', reason: 'manifests could not be read far enough to tell which GeoServices it declares: removing no service until it loads' }],
    pruneRefused: true,
  },
  {
    rule: 'names at most three of the files that failed before naming their GeoServices',
    desired: [],
    live: [owned('geo/web')],
    policy: policy({ unidentifiedFiles: new Set(['d.yaml', 'b.yaml', 'a.yaml', 'c.yaml']) }),
    steps: [{ kind: 'hold', key: 'geo/web', reason: 'a.yaml, b.yaml, c.yaml and 1 more could not be read far enough to tell which GeoServices they declare: removing no service until they load' }],
    pruneRefused: true,
  },
  {
    rule: 'still creates and updates while a file failed before naming its GeoServices',
    desired: [desired('geo/new'), desired('geo/web', { image: 'nginx:1.28' })],
    live: [owned('geo/web')],
    policy: policy({ protectedFiles: new Set(['geo/moved.yaml']), unidentifiedFiles: new Set(['geo/moved.yaml']) }),
    steps: [
      { kind: 'create', key: 'geo/new' },
      { kind: 'update', key: 'geo/web' },
    ],
    pruneRefused: false,
  },
  {
    rule: 'refuses nothing when no manifest was loaded and Kargo owns no service',
    desired: [],
    live: [foreign('geo_web')],
    policy: policy({ sourceEmpty: true }),
    steps: [],
    pruneRefused: false,
  },
  {
    rule: 'deletes the owned service of a key planned alone with no desired service, the source not being empty',
    desired: [],
    live: [owned('geo/old')],
    policy: policy(),
    steps: [{ kind: 'delete', key: 'geo/old' }],
    pruneRefused: false,
  },
];

describe('the plan rules', () => {
  it.each(ruleRows.map((row) => [row.rule, row] as const))('%s', (_rule, row) => {
    const plan = planChanges(row.desired, { services: row.live, networkNames: new Map() }, row.policy);
    expect({ steps: summarise(plan), pruneRefused: plan.pruneRefused !== undefined }).toEqual({ steps: row.steps, pruneRefused: row.pruneRefused });
  });
});

describe('what the steps carry', () => {
  it('a create step carries the rendered spec', () => {
    const want = desired('geo/web');
    const step = stepOf(planChanges([want], { services: [], networkNames: new Map() }, policy()), 'create');
    expect(step.spec).toBe(want.spec);
  });

  it('an update step carries the live service, for its version index', () => {
    const live = owned('geo/web');
    const step = stepOf(planChanges([desired('geo/web', { image: 'nginx:1.28' })], { services: [live], networkNames: new Map() }, policy()), 'update');
    expect(step.service).toBe(live);
  });

  it('an update step carries the changes of the diff', () => {
    const step = stepOf(planChanges([desired('geo/web', { image: 'nginx:1.28' })], { services: [owned('geo/web')], networkNames: new Map() }, policy()), 'update');
    expect(step.entry.changes).toEqual([{ path: 'TaskTemplate.ContainerSpec.Image', from: 'nginx:1.27', to: 'nginx:1.28' }]);
  });

  it('a delete step carries a deleted entry named after the service', () => {
    const step = stepOf(planChanges([], { services: [owned('geo/old')], networkNames: new Map() }, policy()), 'delete');
    expect([step.entry.name, step.entry.action]).toEqual(['geo_old', 'deleted']);
  });

  it('a hold of an orphan carries its service', () => {
    const live = owned('geo/old');
    const step = stepOf(planChanges([desired('geo/web')], { services: [live], networkNames: new Map() }, policy({ prune: false })), 'hold');
    expect(step.service).toBe(live);
  });

  it('diffs live network IDs through the live network names', () => {
    const want = desired('geo/web');
    const spec = { ...want.spec, TaskTemplate: { ...want.spec.TaskTemplate, Networks: [{ Target: 'geo-backend', Aliases: ['web'] }] } };
    const live = owned('geo/web');
    const liveWithId: Service = { ...live, Spec: { ...live.Spec, TaskTemplate: { ...live.Spec.TaskTemplate, Networks: [{ Target: 'n1', Aliases: ['web'] }] } } };
    const plan = planChanges([{ ...want, spec }], { services: [liveWithId], networkNames: new Map([['n1', 'geo-backend']]) }, policy());
    expect(summarise(plan)).toEqual([{ kind: 'unchanged', key: 'geo/web' }]);
  });
});

describe('the order of the steps', () => {
  it('is creates, updates, deletes, conflicts, holds, then unchanged', () => {
    const plan = planChanges(
      [
        desired('a/same'),
        desired('b/suspended', { image: 'nginx:1.28', suspended: true }),
        desired('c/clash'),
        desired('e/changed', { image: 'nginx:1.28' }),
        desired('f/new'),
      ],
      { services: [owned('a/same'), owned('b/suspended'), foreign('c_clash'), owned('d/old'), owned('e/changed')], networkNames: new Map() },
      policy(),
    );
    expect(plan.steps.map((step) => `${step.kind} ${step.key}`)).toEqual([
      'create f/new',
      'update e/changed',
      'delete d/old',
      'conflict c/clash',
      'hold b/suspended',
      'unchanged a/same',
    ]);
  });

  it('is by key within a kind', () => {
    const plan = planChanges([desired('geo/c'), desired('geo/a'), desired('default/z'), desired('geo/b')], { services: [], networkNames: new Map() }, policy());
    expect(plan.steps.map((step) => step.key)).toEqual(['default/z', 'geo/a', 'geo/b', 'geo/c']);
  });
});

describe('a service Kargo does not own', () => {
  it.each([
    ['prune on, other manifests loaded', [desired('geo/web')], policy()],
    ['prune on, no manifest loaded, empty allowed', [], policy({ sourceEmpty: true, allowEmpty: true })],
    ['prune on, no manifest loaded', [], policy({ sourceEmpty: true })],
    ['prune on, one key planned alone', [], policy()],
    ['prune off', [desired('geo/web')], policy({ prune: false })],
  ] as const)('is never deleted nor held when no manifest wants it (%s)', (_case, want, rules) => {
    const plan = planChanges(want, { services: [owned('geo/web'), foreign('monitoring_grafana')], networkNames: new Map() }, rules);
    expect(plan.steps.filter((step) => step.kind !== 'create' && step.kind !== 'conflict' && step.service?.ID === 'id-monitoring_grafana')).toEqual([]);
  });
});
