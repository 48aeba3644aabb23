/** Policy files: each invalid fixture's errors, with lines, are golden; the README's example is a valid policy. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertPolicyOutside, readPolicyFile } from '../../src/adapters/files/policy-file.js';
import { parsePolicy } from '../../src/core/policy/policy-file.js';
import { rulesFor } from '../../src/core/policy/policy.js';
import { ErrorCode, KargoError } from '../../src/errors.js';

const fixtures = fileURLToPath(new URL('../fixtures/policy', import.meta.url));
const invalid = readdirSync(fixtures).filter((name) => name.startsWith('invalid-') && name.endsWith('.yaml')).sort();

function errorOf(run: () => unknown): KargoError {
  try {
    run();
  } catch (error) {
    if (error instanceof KargoError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('an invalid policy file', () => {
  it.each(invalid)('%s: every problem with its line (golden)', (name) => {
    const path = join('test/fixtures/policy', name);
    const error = errorOf(() => readPolicyFile(path));
    expect(error.code).toBe(ErrorCode.PolicyInvalid);
    const golden = join(fixtures, name.replace(/\.yaml$/, '.expected'));
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, `${error.message}\n`);
    expect(`${error.message}\n`).toBe(readFileSync(golden, 'utf8'));
  });

  it('that does not exist is said so', () => {
    expect(errorOf(() => readPolicyFile('/nonexistent/policy.yaml')).message).toMatch(/^cannot read the policy file \/nonexistent\/policy.yaml: ENOENT/);
  });

  it('inside the manifests is refused', () => {
    expect(errorOf(() => assertPolicyOutside('test/fixtures/policy/x.yaml', ['test/fixtures'])).message).toContain('is inside test/fixtures, where manifests come from');
    expect(() => assertPolicyOutside('test/fixtures/policy/x.yaml', ['test/fixtures/invalid'])).not.toThrow();
  });
});

describe('a valid policy file', () => {
  it('is the baseline without one', () => {
    expect(readPolicyFile(undefined).origin).toBe('built-in baseline');
  });

  it("is the README's example, and resolves per namespace over the defaults", () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = /### Policy[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const result = parsePolicy(example, 'policy.yaml');
    if (!('policy' in result)) throw new Error(JSON.stringify(result.problems));
    const { policy } = result;
    expect(policy.allowedNamespaces).toBeDefined();
    const geo = rulesFor(policy, 'geo');
    const other = rulesFor(policy, 'somewhere-else');
    expect(geo).not.toEqual(other);
    expect(other.binds.deniedPaths.length).toBeGreaterThan(0);
  });
});
