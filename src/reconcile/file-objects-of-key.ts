import type { DesiredFileObject } from '../core/render/file-objects.js';
import type { Service, ServiceSpec } from '../core/swarm/engine-api.js';
import { listOwnedFileObjects, namesIn, removeUnusedFileObjects, withFileObjectIds, type FileObjectsBlocked, type OwnedFileObject } from './file-objects.js';
import type { ReconcileContext } from './reconcile-context.js';

/** A key's live objects as a full sync listed them. */
export interface ListedObjects {
  readonly services: readonly Service[];
  /** Kargo's configs and secrets of the key (none listed: an empty list). */
  readonly files?: readonly OwnedFileObject[];
}

/**
 * One reconcile's dealings with a GeoService's configs and secrets. They are listed at most once,
 * and only when some spec of the service names one (or a full sync listed them already), so a
 * service that has none costs no request.
 */
export class FileObjectsOfKey {
  private owned: readonly OwnedFileObject[] | undefined;
  private readonly mayOwn: boolean;

  constructor(
    private readonly key: string,
    private readonly context: ReconcileContext,
    private readonly files: readonly DesiredFileObject[],
    services: readonly Service[],
    listed: readonly OwnedFileObject[] | undefined,
  ) {
    this.owned = listed;
    this.mayOwn = files.length > 0 || services.some((service) => namesIn(service.Spec).length > 0 || namesIn(service.PreviousSpec).length > 0);
  }

  /** The spec to write, with the ids of its configs and secrets (created if missing), or why it cannot be written. */
  async prepare(spec: ServiceSpec): Promise<{ spec: ServiceSpec } | { blocked: FileObjectsBlocked }> {
    if (namesIn(spec).length === 0) return { spec };
    const owned = await this.list();
    const prepared = await withFileObjectIds(this.context.swarm, spec, this.files, owned);
    // What was just created joins the listing, so that removing the unused ones needs no second one.
    if ('spec' in prepared) this.owned = [...owned, ...prepared.created.map((object) => ({ ...object, owner: this.key }))];
    return prepared;
  }

  /** Removes the key's configs and secrets that no spec of `keep` names. */
  async removeUnused(keep: readonly (ServiceSpec | undefined)[]): Promise<void> {
    if (this.owned === undefined && !this.mayOwn) return;
    await removeUnusedFileObjects(this.context.swarm, await this.list(), keep, this.context.removals);
  }

  /** As removeUnused, when a full sync listed them (no request otherwise): what an unchanged service leaves behind. */
  async removeUnusedIfListed(keep: readonly (ServiceSpec | undefined)[]): Promise<void> {
    if (this.owned !== undefined) await this.removeUnused(keep);
  }

  private async list(): Promise<readonly OwnedFileObject[]> {
    this.owned ??= await listOwnedFileObjects(this.context.swarm, this.key);
    return this.owned;
  }
}
