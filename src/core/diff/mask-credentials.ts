import type { FieldChange } from './change-set.js';
import type { ClusterPlan, ClusterPlanStep } from './plan-cluster.js';

/** An env variable whose name says it holds a credential. */
const credentialName = /PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL/i;
const envPath = /^TaskTemplate\.ContainerSpec\.Env\[(.*)\]$/;

export const maskedValue = '(masked)';

/** Whether a field path is the value of a credential-like env variable. */
export function isCredentialField(path: string): boolean {
  const name = envPath.exec(path)?.[1];
  return name !== undefined && credentialName.test(name);
}

/**
 * The plan with the values of credential-like env variables replaced, as Argo CD's diff
 * normalisers mask secrets: a change still shows (`(masked) → (masked, changed)`), its value does
 * not, so a diff posted in CI logs gives nothing away. Returns whether anything was masked.
 */
export function maskCredentials(plan: ClusterPlan): { plan: ClusterPlan; masked: boolean } {
  let masked = false;
  const maskChange = (change: FieldChange): FieldChange => {
    if (!isCredentialField(change.path)) return change;
    masked = true;
    return {
      path: change.path,
      ...(change.from === undefined ? {} : { from: maskedValue }),
      ...(change.to === undefined ? {} : { to: change.from === undefined ? maskedValue : `${maskedValue.slice(0, -1)}, changed)` }),
    };
  };
  const steps = plan.steps.map((step): ClusterPlanStep => ('entry' in step ? { ...step, entry: { ...step.entry, changes: step.entry.changes.map(maskChange) } } : step));
  return { plan: { ...plan, steps }, masked };
}
