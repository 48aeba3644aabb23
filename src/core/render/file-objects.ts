import { createHash } from 'node:crypto';
import { secretTarget, secretTargetPath, type FileContent, type FileObjectKind, type SecretBytes } from '../manifest/file-references.js';
import type { LoadedManifest } from '../manifest/manifest-set.js';
import type { ConfigReference, FileTarget, SecretReference } from '../swarm/engine-api.js';
import { compareCodePoints, sortKeys } from './canonical-json.js';
import { managedByKargo, ownershipLabels } from './ownership.js';

/** A config or secret Kargo creates for a GeoService. Swarm cannot change one: a new content is a new object, under a new name. */
export interface DesiredFileObject {
  readonly kind: FileObjectKind;
  /** `<namespace>_<name>-<file>-<hash>`: the hash covers the owner, the target and the content's digest. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly data: Uint8Array | SecretBytes;
}

/** What a GeoService's configs and secrets render to: the service's references (without ids) and the objects to create. */
export interface FileMounts {
  readonly configs: ConfigReference[];
  readonly secrets: SecretReference[];
  readonly objects: DesiredFileObject[];
}

/** Swarm's limit on config and secret names, which must also start and end with a letter or digit. */
const maxNameLength = 64;
const hashLength = 12;

type Resource = LoadedManifest['resource'];

/**
 * The configs and secrets of a GeoService, from its manifest and the files the loader read
 * (`contents`, by entry: `spec.configs[0]`). Inline `content` needs no file.
 */
export function renderFileMounts(resource: Resource, contents: ReadonlyMap<string, FileContent> = new Map(), owner: FileOwnerKind = 'GeoService'): FileMounts {
  const { namespace, name } = resource.metadata;
  const objects: DesiredFileObject[] = [];
  const objectFor = (kind: FileObjectKind, index: number, target: string, inline: string | undefined): string => {
    const content = inline === undefined ? contents.get(`spec.${kind}s[${String(index)}]`) : inlineContent(inline);
    // The loader refuses a GeoService whose files it could not read, so this is a bug, not bad input.
    if (content === undefined) throw new Error(`no content was read for spec.${kind}s[${String(index)}] of ${namespace}/${name}`);
    const objectName = fileObjectName(namespace, name, target, content.digest, owner);
    objects.push({ kind, name: objectName, labels: fileObjectLabels(namespace, name, content.digest, owner), data: content.data });
    return objectName;
  };
  const configs = (resource.spec.configs ?? []).map((config, index) => ({
    File: fileTarget(config.target, config),
    ConfigName: objectFor('config', index, config.target, config.content),
  }));
  const secrets = (resource.spec.secrets ?? []).map((secret, index) => {
    const target = secretTargetPath(secretTarget(secret));
    return { File: fileTarget(target, secret), SecretName: secret.external ?? objectFor('secret', index, target, undefined) };
  });
  const byTarget = (a: { File?: FileTarget }, b: { File?: FileTarget }): number => compareCodePoints(a.File?.Name ?? '', b.File?.Name ?? '');
  return { configs: configs.sort(byTarget), secrets: secrets.sort(byTarget), objects };
}

/** The kinds whose manifests mount configs and secrets. */
export type FileOwnerKind = 'GeoService' | 'GeoJob';

/** The label naming the owner of a config or secret: a GeoService's or a GeoJob's, so that neither kind's clean-up sees the other's. */
export function fileOwnerLabel(owner: FileOwnerKind): string {
  return owner === 'GeoJob' ? ownershipLabels.geoJob : ownershipLabels.geoService;
}

/** The labels of a config or secret Kargo owns. The digest is of the repository's bytes: for a secret, of the encrypted file. */
export function fileObjectLabels(namespace: string, name: string, digest: string, owner: FileOwnerKind = 'GeoService'): Record<string, string> {
  return sortKeys({
    [ownershipLabels.managedBy]: managedByKargo,
    [fileOwnerLabel(owner)]: `${namespace}/${name}`,
    [ownershipLabels.stackNamespace]: namespace,
    [ownershipLabels.contentDigest]: digest,
  });
}

/** `<namespace>_<name>-<file name>-<hash>`, cut to Swarm's 64 characters before the hash. */
export function fileObjectName(namespace: string, name: string, target: string, digest: string, owner: FileOwnerKind = 'GeoService'): string {
  // A GeoService's hash input stays what it always was, so that its objects keep their names.
  const ownerText = owner === 'GeoJob' ? `GeoJob/${namespace}/${name}` : `${namespace}/${name}`;
  const hash = createHash('sha256').update(`${ownerText}\0${target}\0${digest}`).digest('hex').slice(0, hashLength);
  const file = (target.split('/').pop() ?? '').replace(/[^a-zA-Z0-9_.-]/g, '-');
  const prefix = `${namespace}_${name}${file === '' ? '' : `-${file}`}`.slice(0, maxNameLength - hashLength - 1).replace(/[^a-zA-Z0-9]+$/, '');
  return `${prefix}-${hash}`;
}

function inlineContent(text: string): FileContent {
  const data = new TextEncoder().encode(text);
  return { digest: createHash('sha256').update(data).digest('hex'), data };
}

function fileTarget(target: string, entry: { readonly uid?: string; readonly gid?: string; readonly mode?: string }): FileTarget {
  return { Name: target, UID: entry.uid ?? '0', GID: entry.gid ?? '0', Mode: Number.parseInt(entry.mode ?? '0444', 8) };
}
