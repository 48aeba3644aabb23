import type { FieldPath } from '../manifest/field-path.js';
import type { GeoServiceSpec } from '../manifest/geoservice.generated.js';
import type { NetworkSpec } from '../manifest/network.generated.js';
import type { GeoJobSpec } from '../manifest/geojob.generated.js';
import type { ObjectKind } from '../object-key.js';

/**
 * The fields the policy has reviewed, per kind. `true`: the field and everything under it is
 * allowed (a rule in policy-rules.ts may still look at it); a table: the field's own fields
 * (a list's items are checked against the same table). A field missing here is denied: a field
 * added to a CRD stays unusable until someone decides what the policy says about it.
 */
export interface ReviewedTable {
  readonly [field: string]: Reviewed;
}
export type Reviewed = true | ReviewedTable;

/** Every field of a spec type must be listed (the compiler checks); fields not in it yet may be. */
type Complete<T> = { readonly [K in keyof Required<T>]: Reviewed } & ReviewedTable;

const geoServiceSpec: Complete<GeoServiceSpec> = {
  engine: true,
  image: true, // rules: images.allowed, images.requireDigest
  command: true,
  args: true,
  env: true,
  replicas: true,
  mode: true,
  ports: { target: true, published: true, protocol: true, mode: true }, // rules: ports.published, ports.hostMode
  networks: { name: true, external: true, aliases: true }, // rules: networks.host, networks.external
  volumes: { type: true, source: true, target: true, readOnly: true, size: true }, // rules: binds.*
  resources: true,
  placement: { constraints: true, preferences: true, maxReplicasPerNode: true }, // rule: placement.managers
  healthCheck: true,
  // Kargo makes GETs of OGC requests to ogc.url and keeps only a verdict: it reads no host file and
  // grants the task nothing; the in-task check runs with the task's own rights.
  ogc: true,
  update: true,
  rollback: true,
  restart: true,
  labels: true, // Kargo's own prefixes are refused by the semantic rules
  containerLabels: true,
  stopGracePeriod: true,
  stopSignal: true,
  user: true, // rule: runAsRoot
  workingDir: true,
  suspend: true,
  dependsOn: true, // names other GeoServices: grants nothing
  // Files read from inside the manifests root: nothing on the host is exposed.
  configs: true,
  secrets: { file: true, external: true, target: true, uid: true, gid: true, mode: true }, // rule: externalSecrets
};

/**
 * A GeoJob's container fields are a GeoService's, under the same rules (policy-rules.ts judges a
 * job as the workload it runs); its own fields say when and how long it runs, which exposes
 * nothing of the host.
 */
const geoJobSpec: Complete<GeoJobSpec> = {
  image: geoServiceSpec.image,
  command: geoServiceSpec.command,
  args: geoServiceSpec.args,
  env: geoServiceSpec.env,
  networks: geoServiceSpec.networks,
  volumes: geoServiceSpec.volumes,
  configs: geoServiceSpec.configs,
  secrets: geoServiceSpec.secrets,
  resources: geoServiceSpec.resources,
  placement: geoServiceSpec.placement,
  labels: geoServiceSpec.labels,
  containerLabels: geoServiceSpec.containerLabels,
  stopGracePeriod: geoServiceSpec.stopGracePeriod,
  stopSignal: geoServiceSpec.stopSignal,
  user: geoServiceSpec.user,
  workingDir: geoServiceSpec.workingDir,
  schedule: true,
  timeZone: true,
  concurrencyPolicy: true,
  activeDeadline: true,
  startingDeadline: true,
  // Bounded by the swarm's capacity like replicas; the operator's placement rules still apply to each task.
  completions: true,
  parallelism: true,
  historyLimit: true,
  suspend: true,
  dependsOn: geoServiceSpec.dependsOn,
};

const networkSpec: Complete<NetworkSpec> = {
  driver: true, // rules: networks.host, networks.drivers
  // Lets standalone containers (docker run --network) join: only someone with the engine, root already, can.
  attachable: true,
  internal: true,
  encrypted: true,
  labels: true,
  driverOpts: true,
  ipam: true,
};

/** Identity and free-form notes; the kargo.io/adopt annotation has its rule (adopt). */
const metadata: ReviewedTable = { name: true, namespace: true, labels: true, annotations: true };

export const reviewedFields: Readonly<Record<ObjectKind, ReviewedTable>> = {
  GeoService: { apiVersion: true, kind: true, metadata, spec: geoServiceSpec },
  Network: { apiVersion: true, kind: true, metadata, spec: networkSpec },
  GeoJob: { apiVersion: true, kind: true, metadata, spec: geoJobSpec },
};

/** The paths of the fields of `value` that `table` does not list (a list's items each against `table`). */
export function unreviewedFields(value: unknown, table: ReviewedTable, path: FieldPath = []): FieldPath[] {
  const found: FieldPath[] = [];
  collectUnreviewed(value, table, [...path], found);
  return found;
}

/**
 * Walks with one growing path and one result list: every manifest of every read goes through
 * here, and copying the path at each field cost `kargo validate` of 1,000 manifests ~20 ms.
 */
function collectUnreviewed(value: unknown, table: ReviewedTable, path: (string | number)[], found: FieldPath[]): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      path.push(index);
      collectUnreviewed(item, table, path, found);
      path.pop();
    });
    return;
  }
  for (const field in value) {
    const reviewed = Object.hasOwn(table, field) ? table[field] : undefined;
    if (reviewed === true) continue;
    path.push(field);
    if (reviewed === undefined) found.push([...path]);
    else collectUnreviewed((value as Record<string, unknown>)[field], reviewed, path, found);
    path.pop();
  }
}
