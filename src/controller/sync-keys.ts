import { formatKey, kindOfKey, parseKey } from '../core/object-key.js';
import { isManagedByKargo, ownershipLabels } from '../core/render/ownership.js';
import type { Snapshot } from '../core/snapshot.js';
import type { Service } from '../core/swarm/engine-api.js';
import type { OwnedFileObject } from '../reconcile/file-objects.js';

/**
 * The GeoService keys a full sync reconciles: each wanted or protected one, each one the engine
 * has a service of, and each one that owns only configs or secrets (its service removed without
 * them), from the sync's single listing; and the names of those services, for their events.
 */
export function serviceKeysOf(snapshot: Snapshot | undefined, services: readonly Service[], files: readonly OwnedFileObject[]): { keys: string[]; names: Map<string, string> } {
  const keys = new Set([...(snapshot?.desired.keys() ?? []), ...(snapshot?.protectedKeys ?? []), ...files.map((file) => file.owner)]);
  const names = new Map<string, string>();
  for (const service of services) {
    const key = service.Spec.Labels?.[ownershipLabels.geoService];
    if (key === undefined || !isManagedByKargo(service.Spec.Labels)) continue;
    keys.add(key);
    if (service.Spec.Name !== undefined) names.set(service.Spec.Name, key);
  }
  return { keys: [...keys].filter((key) => kindOfKey(key) === 'GeoService'), names };
}

/**
 * The GeoJob keys a full sync reconciles: each wanted one, and each one the engine still has runs
 * or files of (a removed manifest's runs are pruned), from the sync's single listing.
 */
export function jobKeysOf(snapshot: Snapshot | undefined, services: readonly Service[], files: readonly OwnedFileObject[]): string[] {
  const keys = new Set(snapshot?.jobs.keys() ?? []);
  for (const key of snapshot?.protectedKeys ?? []) if (parseKey(key).kind === 'GeoJob') keys.add(key);
  for (const service of services) {
    const owner = service.Spec.Labels?.[ownershipLabels.geoJob];
    if (owner === undefined || !isManagedByKargo(service.Spec.Labels)) continue;
    const [namespace = '', name = ''] = owner.split('/');
    keys.add(formatKey('GeoJob', namespace, name));
  }
  for (const file of files) if (parseKey(file.owner).kind === 'GeoJob') keys.add(file.owner);
  return [...keys].sort();
}

/** A run service's name is `<namespace>_<name>-<stamp>` (runServiceName): the key of its GeoJob, for its service events. */
export function jobKeyOfRunName(serviceName: string): string | undefined {
  const match = /^([a-z0-9-]+)_([a-z0-9-]+)-[smh][0-9a-f]{14}$/.exec(serviceName);
  return match === null ? undefined : formatKey('GeoJob', match[1] ?? '', match[2] ?? '');
}
