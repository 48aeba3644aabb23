import { kindOfKey } from '../core/object-key.js';
import type { Snapshot } from '../core/snapshot.js';
import type { ListedObjects } from './file-objects-of-key.js';
import type { ReconcileContext } from './reconcile-context.js';
import { reconcileGeoJob } from './reconcile-geojob.js';
import { reconcileGeoService } from './reconcile-geoservice.js';
import { reconcileNetwork } from './reconcile-network.js';
import type { ReconcileOutcome } from './reconcile-outcome.js';

/** The reconcile of a key's kind: the one place a new kind plugs its reconcile in. */
export function reconcileKey(key: string, snapshot: Snapshot, context: ReconcileContext, listed: ListedObjects | undefined): Promise<ReconcileOutcome> {
  switch (kindOfKey(key)) {
    case 'Network':
      return reconcileNetwork(key, snapshot, context);
    case 'GeoJob':
      return reconcileGeoJob(key, snapshot, context, listed?.files);
    case 'GeoService':
      return reconcileGeoService(key, snapshot, context, listed);
  }
}
