import type { FieldChange } from './change-set.js';
import type { ClusterPlan as Plan, ClusterPlanStep as PlanStep } from './plan-cluster.js';

/** Styling hooks, so the same text can be coloured on a terminal. */
export interface DiffStyle {
  readonly added: (text: string) => string;
  readonly removed: (text: string) => string;
  readonly changed: (text: string) => string;
  readonly dim: (text: string) => string;
}

const plainStyle: DiffStyle = { added: (t) => t, removed: (t) => t, changed: (t) => t, dim: (t) => t };

/**
 * The plan as a human diff: one header per service or network that changes, then one line per field
 * (`path: from → to`), then a summary line.
 */
export function formatPlan(plan: Plan, style: DiffStyle = plainStyle): string {
  const lines: string[] = [];
  for (const step of plan.steps) lines.push(...formatStep(step, style));
  if (plan.pruneRefused !== undefined) lines.push(style.changed(`! prune refused: ${plan.pruneRefused}`));
  lines.push(summary(plan));
  return `${lines.join('\n')}\n`;
}

function formatStep(step: PlanStep, style: DiffStyle): string[] {
  switch (step.kind) {
    case 'create':
      return [style.added(`+ ${step.key} (create ${step.entry.name})`), ...step.entry.changes.map((c) => style.added(`    ${c.path}: ${show(c.to)}`))];
    case 'update': {
      const recreate = step.entry.recreateReasons.length > 0 ? `; recreate: ${step.entry.recreateReasons.join(', ')}` : '';
      return [style.changed(`~ ${step.key} (update ${step.entry.name}${recreate})`), ...step.entry.changes.map((c) => formatChange(c, style))];
    }
    case 'delete':
      return [style.removed(`- ${step.key} (delete ${step.entry.name})`)];
    case 'conflict':
      return [style.removed(`! ${step.key} conflict: ${step.reason}`)];
    case 'hold':
      return [style.dim(`= ${step.key} (${step.name}) held: ${step.reason}`)];
    case 'unchanged':
      return [];
  }
}

function formatChange(change: FieldChange, style: DiffStyle): string {
  if (change.from === undefined) return style.added(`    + ${change.path}: ${show(change.to)}`);
  if (change.to === undefined) return style.removed(`    - ${change.path}: ${show(change.from)}`);
  return style.changed(`    ~ ${change.path}: ${show(change.from)} → ${show(change.to)}`);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

/** Counts per kind, e.g. `plan: 1 to create, 2 to update, 0 to delete, 5 unchanged`. */
export function summary(plan: Plan): string {
  const count = (kind: PlanStep['kind']): number => plan.steps.filter((step) => step.kind === kind).length;
  const parts = [`${count('create')} to create`, `${count('update')} to update`, `${count('delete')} to delete`, `${count('unchanged')} unchanged`];
  if (count('conflict') > 0) parts.push(`${count('conflict')} in conflict`);
  if (count('hold') > 0) parts.push(`${count('hold')} held`);
  return `plan: ${parts.join(', ')}`;
}

/**
 * Whether the cluster differs from the manifests in a way a write would mend: anything to create,
 * update or delete, and a network whose spec changed while services use it (Kargo holds that one,
 * but the cluster is not what the manifests say).
 */
export function hasPendingChanges(plan: Plan): boolean {
  return plan.steps.some((step) => step.kind === 'create' || step.kind === 'update' || step.kind === 'delete' || (step.kind === 'hold' && 'holdReason' in step && step.holdReason === 'NetworkImmutable'));
}
