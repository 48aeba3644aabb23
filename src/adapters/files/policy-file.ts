import { realpathSync, statSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isWithin } from '../../core/policy/host-paths.js';
import { parsePolicy } from '../../core/policy/policy-file.js';
import { baselinePolicy, type Policy } from '../../core/policy/policy.js';
import { describeError, ErrorCode, KargoError } from '../../errors.js';

/** A policy is a few rules; anything larger is not one. */
const maxPolicyBytes = 256 * 1024;

/**
 * The policy of `path` (`--policy`), or the built-in baseline without one. Throws
 * KARGO_POLICY_INVALID with every problem as `file:line:col: message (field)`.
 */
export function readPolicyFile(path: string | undefined): Policy {
  if (path === undefined || path === '') return baselinePolicy;
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > maxPolicyBytes) throw new Error(`${String(size)} bytes; the limit is ${String(maxPolicyBytes)}`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KargoError(ErrorCode.PolicyInvalid, `cannot read the policy file ${path}: ${describeError(error)}`);
  }
  const result = parsePolicy(text, path);
  if ('policy' in result) return result.policy;
  const lines = result.problems.map((p) => `${path}:${String(p.line)}:${String(p.column)}: ${p.message}${p.field === '' ? '' : ` (${p.field})`}`);
  throw new KargoError(ErrorCode.PolicyInvalid, `the policy file is invalid:\n${lines.join('\n')}`);
}

/**
 * Refuses a policy file inside a directory manifests are read from: whoever can merge there
 * would then write the policy that is meant to bound them.
 */
export function assertPolicyOutside(path: string | undefined, roots: readonly string[]): void {
  if (path === undefined || path === '') return;
  const real = realOrResolved(path);
  const inside = roots.find((root) => isWithin(real, realOrResolved(root)));
  if (inside !== undefined) {
    throw new KargoError(ErrorCode.PolicyInvalid, `the policy file ${path} is inside ${inside}, where manifests come from: keep it out of the manifests (e.g. a Swarm config mounted at /run/kargo/policy.yaml)`);
  }
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
