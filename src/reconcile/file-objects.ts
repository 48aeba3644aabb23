import type { FileObjectKind } from '../core/manifest/file-references.js';
import type { DesiredFileObject } from '../core/render/file-objects.js';
import { isManagedByKargo, ownershipLabels } from '../core/render/ownership.js';
import { fileOwnerLabel } from '../core/render/file-objects.js';
import { parseKey } from '../core/object-key.js';
import type { ServiceSpec } from '../core/swarm/engine-api.js';
import { describeError } from '../errors.js';
import type { SwarmPort } from './swarm-port.js';
import type { WriteGuard } from './write-guard.js';

/** A config or secret Kargo created, and the GeoService or GeoJob (key) it was created for. */
export interface OwnedFileObject {
  readonly kind: FileObjectKind;
  readonly id: string;
  readonly name: string;
  readonly owner: string;
}

/** A config or secret just created, as a listing would show it but for its owner. */
export type CreatedFileObject = Omit<OwnedFileObject, 'owner'>;

/** Why a service cannot be written yet: a config or secret it needs cannot be had. */
export interface FileObjectsBlocked {
  readonly reason: 'SecretMissing' | 'FileObjectConflict';
  readonly message: string;
}

const kinds: readonly FileObjectKind[] = ['config', 'secret'];

/** Kargo's configs and secrets, of one GeoService or GeoJob (by key) or of all: one listing per kind. */
export async function listOwnedFileObjects(swarm: SwarmPort, key?: string): Promise<OwnedFileObject[]> {
  const owner = key === undefined ? undefined : parseKey(key);
  const ownerLabel = owner === undefined ? [] : [`${fileOwnerLabel(owner.kind === 'GeoJob' ? 'GeoJob' : 'GeoService')}=${owner.namespace}/${owner.name}`];
  const label = [`${ownershipLabels.managedBy}=kargo`, ...ownerLabel];
  const lists = await Promise.all(kinds.map(async (kind) => ({ kind, objects: await swarm.listFileObjects(kind, { label }) })));
  return lists.flatMap(({ kind, objects }) =>
    objects.flatMap((object) => {
      const labels = object.Spec.Labels;
      const job = labels?.[ownershipLabels.geoJob];
      const ownerKey = labels?.[ownershipLabels.geoService] ?? (job === undefined ? undefined : `GeoJob/${job}`);
      return ownerKey === undefined || !isManagedByKargo(labels) ? [] : [{ kind, id: object.ID, name: object.Spec.Name, owner: ownerKey }];
    }),
  );
}

/**
 * Makes every config and secret `spec` names exist: Kargo's own (`files`, created when missing)
 * and external secrets (which must exist). Returns the spec with each one's id, which the engine
 * needs, and the objects it created; or why it cannot be written. A name held by an object Kargo
 * did not create is a conflict: Kargo never takes over or replaces an object it does not own.
 */
export async function withFileObjectIds(
  swarm: SwarmPort,
  spec: ServiceSpec,
  files: readonly DesiredFileObject[],
  owned: readonly OwnedFileObject[],
): Promise<{ spec: ServiceSpec; created: readonly CreatedFileObject[] } | { blocked: FileObjectsBlocked }> {
  const container = spec.TaskTemplate?.ContainerSpec;
  const configs = container?.Configs ?? [];
  const secrets = container?.Secrets ?? [];
  if (configs.length === 0 && secrets.length === 0) return { spec, created: [] };
  const ids = new Map(owned.map((object) => [`${object.kind}/${object.name}`, object.id]));
  const made: CreatedFileObject[] = [];
  for (const file of files) {
    if (ids.has(`${file.kind}/${file.name}`)) continue;
    const created = await create(swarm, file);
    if ('blocked' in created) return created;
    ids.set(`${file.kind}/${file.name}`, created.id);
    made.push({ kind: file.kind, id: created.id, name: file.name });
  }
  const kargoNames = new Set(files.map((file) => `${file.kind}/${file.name}`));
  for (const secret of secrets) {
    if (kargoNames.has(`secret/${secret.SecretName}`)) continue;
    const found = (await swarm.listFileObjects('secret', { name: [secret.SecretName] })).find((object) => object.Spec.Name === secret.SecretName);
    if (found === undefined) {
      return { blocked: { reason: 'SecretMissing', message: `the external secret ${secret.SecretName} does not exist: create it (docker secret create ${secret.SecretName} FILE)` } };
    }
    ids.set(`secret/${secret.SecretName}`, found.ID);
  }
  const idOf = (kind: FileObjectKind, name: string): string => ids.get(`${kind}/${name}`) ?? '';
  return {
    created: made,
    spec: {
      ...spec,
      TaskTemplate: {
        ...spec.TaskTemplate,
        ContainerSpec: {
          ...container,
          ...(configs.length > 0 ? { Configs: configs.map((config) => ({ ...config, ConfigID: idOf('config', config.ConfigName) })) } : {}),
          ...(secrets.length > 0 ? { Secrets: secrets.map((secret) => ({ ...secret, SecretID: idOf('secret', secret.SecretName) })) } : {}),
        },
      },
    },
  };
}

async function create(swarm: SwarmPort, file: DesiredFileObject): Promise<{ id: string } | { blocked: FileObjectsBlocked }> {
  const bytes = file.data instanceof Uint8Array ? file.data : file.data.reveal();
  try {
    return { id: await swarm.createFileObject(file.kind, { Name: file.name, Labels: { ...file.labels }, Data: Buffer.from(bytes).toString('base64') }) };
  } catch (error) {
    if (!/already exists|conflict/i.test(describeError(error))) throw error;
    // Not in Kargo's listing, yet the name is taken: someone else's object.
    return { blocked: { reason: 'FileObjectConflict', message: `a ${file.kind} named ${file.name} exists and is not Kargo's: remove it, Kargo then creates its own` } };
  }
}

/**
 * Removes the configs and secrets of `owned` that no spec of `keep` names (the service's spec,
 * and the previous one, which a Swarm rollback returns to). A removal the engine refuses (still
 * in use, e.g. by tasks of a service being removed) is tried again at later reconciles, under
 * `removals` so that it is not sent again and again.
 */
export async function removeUnusedFileObjects(
  swarm: SwarmPort,
  owned: readonly OwnedFileObject[],
  keep: readonly (ServiceSpec | undefined)[],
  removals: WriteGuard,
): Promise<OwnedFileObject[]> {
  const used = new Set(keep.flatMap((spec) => namesIn(spec)));
  const removed: OwnedFileObject[] = [];
  for (const object of owned) {
    const id = `${object.kind}/${object.name}`;
    if (used.has(id)) continue;
    const signature = `remove|${object.id}`;
    if (removals.heldFor(id, signature) !== undefined) continue;
    removals.recordSent(id, signature);
    try {
      await swarm.removeFileObject(object.kind, object.id);
      removals.recordSettled(id);
      removed.push(object);
    } catch (error) {
      if (!/in use|not found|no such/i.test(describeError(error))) throw error;
    }
  }
  return removed;
}

/** `config/<name>` and `secret/<name>` of every config and secret a spec names. */
export function namesIn(spec: ServiceSpec | undefined): string[] {
  const container = spec?.TaskTemplate?.ContainerSpec;
  return [...(container?.Configs ?? []).map((config) => `config/${config.ConfigName}`), ...(container?.Secrets ?? []).map((secret) => `secret/${secret.SecretName}`)];
}
