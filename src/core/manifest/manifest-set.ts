import type { FileContent } from './file-references.js';
import type { GeoService } from './geoservice.generated.js';
import type { Network } from './network.generated.js';
import type { GeoJob } from './geojob.generated.js';

/** Where something is written: file, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Stable codes of manifest problems; CI scripts may match on them. */
export const ManifestProblemCode = {
  FileTooLarge: 'file-too-large',
  FileUnreadable: 'file-unreadable',
  YamlSyntax: 'yaml-syntax',
  YamlAliases: 'yaml-aliases',
  NotAMapping: 'not-a-mapping',
  UnsupportedApiVersion: 'unsupported-api-version',
  Schema: 'schema',
  InvalidName: 'invalid-name',
  InvalidField: 'invalid-field',
  DuplicateName: 'duplicate-name',
  PortConflict: 'port-conflict',
  /** `${NAME}` with no value in the values files and no default. */
  UnsetVariable: 'unset-variable',
  /** `${` not followed by `NAME}` or `NAME:-default}`. */
  InvalidVariableReference: 'invalid-variable-reference',
  /** A value with a line break (values are one line, so that positions keep their line). */
  MultilineValue: 'multiline-value',
  /** A value that is not one YAML value where it is substituted (it brings YAML syntax). */
  ValueChangesStructure: 'value-changes-structure',
  UnknownNetwork: 'unknown-network',
  /** A file or directory whose real path (symlinks resolved) is outside the manifests root: not followed. */
  OutsideRoot: 'outside-root',
  /** A FIFO, device, socket (or a symlink to one): never opened for reading. */
  NotARegularFile: 'not-a-regular-file',
  /** A file past the limit of files per read (ParseLimits.maxFiles): not read. */
  TooManyFiles: 'too-many-files',
  /** A file past the limit of bytes per read (ParseLimits.maxTotalBytes): not read. */
  ReadTooLarge: 'read-too-large',
  YamlTooDeep: 'yaml-too-deep',
  TooManyDocuments: 'too-many-documents',
  TooManyNodes: 'too-many-nodes',
  /** spec.dependsOn names a GeoService that has no manifest. */
  UnknownDependency: 'unknown-dependency',
  /** GeoServices that wait for each other, directly or through others. */
  DependencyCycle: 'dependency-cycle',
  /** A file that a config or secret names does not exist. */
  MissingFile: 'missing-file',
  /** An age-encrypted file that Kargo's identity cannot open (or no identity was given). */
  UndecryptableSecret: 'undecryptable-secret',
  /** A rule of the operator's policy (--policy, or the built-in baseline) refuses it; `rule` names the rule. */
  PolicyDenied: 'policy-denied',
} as const;

export type ManifestProblemCode = (typeof ManifestProblemCode)[keyof typeof ManifestProblemCode];

/** Something wrong in a manifest file, said so that a person can fix it from the line alone. */
export interface ManifestProblem extends SourceLocation {
  readonly code: ManifestProblemCode;
  readonly message: string;
  /** The field at fault, e.g. `spec.ports[0].published`; empty for the whole document or file. */
  readonly field: string;
  /** The key of the object the problem belongs to (`namespace/name` for a GeoService, `Network/namespace/name`), when it could be read. */
  readonly key?: string;
  /** The policy rule broken, e.g. `binds.deniedPaths`, for a PolicyDenied problem. */
  readonly rule?: string;
}

/** A document Kargo does not manage (another kind), reported for information. */
export interface IgnoredDocument extends SourceLocation {
  readonly apiVersion: string;
  readonly kind: string;
}

/** A valid GeoService and where it came from. `metadata.namespace` is always set. */
export interface LoadedManifest {
  /** `namespace/name`: the GeoService's identity. */
  readonly key: string;
  readonly resource: GeoService & { metadata: { namespace: string } };
  readonly source: SourceLocation;
  /** The files its configs and secrets name, read by the loader, by entry (`spec.configs[0]`). */
  readonly contents?: ReadonlyMap<string, FileContent>;
}

/** A valid Network and where it came from. `metadata.namespace` is always set. */
export interface LoadedNetwork {
  /** `Network/namespace/name`. */
  readonly key: string;
  readonly resource: Network & { metadata: { namespace: string } };
  readonly source: SourceLocation;
}

/**
 * A valid GeoJob and where it came from. `workload` is the GeoService-shaped view of its container
 * fields (see workloadOf): what the checks, the file reader and rendering share with GeoServices.
 */
export interface LoadedJob {
  /** `GeoJob/namespace/name`. */
  readonly key: string;
  readonly resource: GeoJob & { metadata: { namespace: string } };
  readonly workload: LoadedManifest['resource'];
  readonly source: SourceLocation;
  readonly contents?: ReadonlyMap<string, FileContent>;
}

/** Everything read from a set of manifest files: each valid manifest **and** each problem. */
export interface ManifestSet {
  /** The valid GeoServices. */
  readonly manifests: LoadedManifest[];
  readonly networks: LoadedNetwork[];
  readonly jobs: LoadedJob[];
  readonly problems: ManifestProblem[];
  readonly ignored: IgnoredDocument[];
  /** Every file read, valid or not. */
  readonly files: string[];
  /** A hash of every file's path and content: the revision when the files are not a git checkout. */
  readonly contentRevision: string;
  /** `values.<hash>` of the values substituted, when values files were given (see revisionWithValues). */
  readonly valuesRevision?: string;
}

/** What the loader read for the files one GeoService's configs and secrets name (see fileReferencesOf). */
export interface ReadReferences {
  readonly contents: ReadonlyMap<string, FileContent>;
  /** A reference that could not be read, at its `file` field. */
  readonly problems: readonly { readonly field: string; readonly code: ManifestProblemCode; readonly message: string }[];
}

/** Why the reader refused a file without reading it (a manifest problem code). */
export type FileRefusal = typeof ManifestProblemCode.OutsideRoot | typeof ManifestProblemCode.NotARegularFile | typeof ManifestProblemCode.TooManyFiles | typeof ManifestProblemCode.ReadTooLarge;

/** A file handed to the parser: its text, or why it was not read. */
export type ManifestFile =
  | { readonly path: string; readonly text: string }
  | { readonly path: string; readonly sizeBytes: number; readonly tooLarge: true }
  | { readonly path: string; readonly unreadable: string }
  | { readonly path: string; readonly refused: FileRefusal; readonly reason: string };

export const defaultNamespace = 'default';

/** `namespace/name` of a GeoService. */
export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
