import { formatFieldPath } from './field-path.js';
import type { GeoServiceSpec } from './geoservice.generated.js';

/** Swarm refuses a config or secret over 500 KiB (swarmkit's MaxSecretSize; older engines' MaxConfigSize). */
export const maxFileObjectBytes = 500 * 1024;

export type FileObjectKind = 'config' | 'secret';

/** A file of the repository that a GeoService mounts: `spec.configs[i].file` or `spec.secrets[i].file`. */
export interface FileReference {
  readonly kind: FileObjectKind;
  /** Its place in `spec.configs` or `spec.secrets`. */
  readonly index: number;
  /** The entry, e.g. `spec.configs[0]`: what the loaded content is filed under. */
  readonly entry: string;
  /** The `file` field itself, where a problem with the file is reported. */
  readonly field: string;
  /** As written: relative to the manifest's directory. */
  readonly path: string;
}

/**
 * A secret's plaintext. Every way of printing it prints a mask (JSON, string, a logger's or the
 * console's inspection), and the bytes sit in a private field that no serialiser walks: only the
 * one write that needs them, the engine's secret create, calls `reveal`.
 */
export class SecretBytes {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  reveal(): Uint8Array {
    return this.#bytes;
  }

  get byteLength(): number {
    return this.#bytes.byteLength;
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[secret]';
  }
}

/** What the loader read for one reference (or one inline `content`). */
export interface FileContent {
  /** sha256 (hex) of the bytes in the repository: for a secret, of the encrypted file, so it says nothing of the plaintext. */
  readonly digest: string;
  readonly data: Uint8Array | SecretBytes;
}

/** The repository files a GeoService's configs and secrets name, in manifest order. */
export function fileReferencesOf(spec: GeoServiceSpec): FileReference[] {
  const of = (kind: FileObjectKind, entries: readonly { file?: string }[] | undefined): FileReference[] =>
    (entries ?? []).flatMap((entry, index) => {
      if (entry.file === undefined) return [];
      const at = formatFieldPath(['spec', `${kind}s`, index]);
      return [{ kind, index, entry: at, field: `${at}.file`, path: entry.file }];
    });
  return [...of('config', spec.configs), ...of('secret', spec.secrets)];
}

/** Where a secret lands in the container: a bare name is a file under /run/secrets/. */
export function secretTargetPath(target: string): string {
  return target.startsWith('/') ? target : `/run/secrets/${target}`;
}

/** A secret entry's target: as written, or the external secret's name, or the file's name without `.age`. */
export function secretTarget(entry: { readonly file?: string; readonly external?: string; readonly target?: string }): string {
  if (entry.target !== undefined) return entry.target;
  if (entry.external !== undefined) return entry.external;
  const base = (entry.file ?? '').split('/').pop() ?? '';
  return base.replace(/\.age$/, '');
}
