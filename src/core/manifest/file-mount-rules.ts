import type { FieldPath } from './field-path.js';
import { maxFileObjectBytes, secretTarget, secretTargetPath } from './file-references.js';
import type { GeoServiceSpec } from './geoservice.generated.js';
import { ManifestProblemCode } from './manifest-set.js';
import type { SemanticIssue } from './semantic-rules.js';

/**
 * The rules of `spec.configs` and `spec.secrets` that need no file: repository paths are relative
 * (the loader then keeps them inside the manifests root), inline content fits in a Swarm config,
 * and no two mounts share a target. Whether the files exist is the loader's check.
 */
export function fileMountRules(spec: GeoServiceSpec): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const targets = new Map<string, string>();
  const claim = (target: string, at: FieldPath, owner: string): void => {
    const first = targets.get(target);
    if (first !== undefined) issues.push(invalid(at, `${target} is already mounted by ${first}`));
    else targets.set(target, owner);
  };
  const relative = (file: string | undefined, at: FieldPath): void => {
    if (file?.startsWith('/') === true) issues.push(invalid(at, `"${file}" must be a path relative to this manifest, inside the manifests root`));
  };
  (spec.configs ?? []).forEach((config, index) => {
    const at = (field: string): FieldPath => ['spec', 'configs', index, field];
    relative(config.file, at('file'));
    if (config.content !== undefined && Buffer.byteLength(config.content) > maxFileObjectBytes) {
      issues.push(invalid(at('content'), `the content is ${String(Buffer.byteLength(config.content))} bytes; a Swarm config holds at most ${String(maxFileObjectBytes)}`));
    }
    claim(config.target, at('target'), `spec.configs[${String(index)}]`);
  });
  (spec.secrets ?? []).forEach((secret, index) => {
    const at = (field: string): FieldPath => ['spec', 'secrets', index, field];
    relative(secret.file, at('file'));
    const target = secretTarget(secret);
    if (target === '') issues.push(invalid(at('target'), 'the file name gives no target: set target'));
    else claim(secretTargetPath(target), at(secret.target === undefined ? (secret.file === undefined ? 'external' : 'file') : 'target'), `spec.secrets[${String(index)}]`);
  });
  return issues;
}

function invalid(path: FieldPath, message: string): SemanticIssue {
  return { path, message, code: ManifestProblemCode.InvalidField };
}
