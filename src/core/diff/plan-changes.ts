import type { OgcEndpoint } from '../ogc/ogc-endpoint.js';
import { compareCodePoints } from '../render/canonical-json.js';
import { someOf } from '../list-text.js';
import { isManagedByKargo, ownershipLabels } from '../render/ownership.js';
import type { Service, ServiceSpec } from '../swarm/engine-api.js';
import type { DesiredFileObject } from '../render/file-objects.js';
import type { ChangeSetEntry } from './change-set.js';
import type { LiveContext } from './comparable-spec.js';
import { diffService } from './diff-service.js';

/** A GeoService as the plan sees it: its key, its rendered spec, and the manifest's wishes. */
export interface DesiredService {
  readonly key: string;
  readonly spec: ServiceSpec & { Name: string };
  /** The manifest opts in to taking over a service of the same name that Kargo did not create. */
  readonly adopt: boolean;
  /** `spec.suspend`: no write of any kind. */
  readonly suspended: boolean;
  /** The configs and secrets its spec names, which must exist before it is written. */
  readonly files?: readonly DesiredFileObject[];
  /** Keys of the GeoServices that must be Ready before it is created or updated (`spec.dependsOn`). */
  readonly dependsOn?: readonly string[];
  /** Its OGC endpoint (`spec.ogc`), which Kargo probes for the Available condition. */
  readonly ogc?: OgcEndpoint;
}

/** The cluster as read from the engine. */
export interface LiveState {
  readonly services: readonly Service[];
  readonly networkNames: ReadonlyMap<string, string>;
}

/** The safety policy: inputs, so the plan stays a pure function. */
export interface PlanPolicy {
  /** Remove owned services that no manifest wants (`--prune`). */
  readonly prune: boolean;
  /** Allow pruning when there are no manifests at all (`--allow-empty`). */
  readonly allowEmpty: boolean;
  /** The source holds no valid manifest at all (an emptied directory, a broken checkout). */
  readonly sourceEmpty: boolean;
  /** Keys whose manifests exist but failed to load: their services are never touched. */
  readonly protectedKeys: ReadonlySet<string>;
  /** Files that failed to load (even unparseable): services whose source label names one are never touched. */
  readonly protectedFiles: ReadonlySet<string>;
  /**
   * Files that failed before the GeoServices in them could be named (unreadable, not YAML, a
   * document without metadata.name). Any of them might declare any service, so while one
   * exists nothing is pruned: a moved file keeps its old io.kargo.source label until it changes.
   */
  readonly unidentifiedFiles: ReadonlySet<string>;
  /** The Swarm name of the service Kargo runs as: never removed, whatever its labels say. */
  readonly selfService?: string;
}

export type PlanStep =
  | { readonly kind: 'create'; readonly key: string; readonly entry: ChangeSetEntry; readonly spec: ServiceSpec }
  | { readonly kind: 'update'; readonly key: string; readonly entry: ChangeSetEntry; readonly spec: ServiceSpec; readonly service: Service }
  | { readonly kind: 'unchanged'; readonly key: string; readonly entry: ChangeSetEntry; readonly service: Service }
  | { readonly kind: 'delete'; readonly key: string; readonly entry: ChangeSetEntry; readonly service: Service }
  | { readonly kind: 'conflict'; readonly key: string; readonly name: string; readonly reason: string; readonly service: Service }
  | { readonly kind: 'hold'; readonly key: string; readonly name: string; readonly reason: string; readonly service?: Service };

/** An ordered plan over all services. */
export interface Plan {
  readonly steps: readonly PlanStep[];
  /** Set when pruning was refused wholesale, with the reason. */
  readonly pruneRefused?: string;
}

const kindOrder: Record<PlanStep['kind'], number> = { create: 0, update: 1, delete: 2, conflict: 3, hold: 4, unchanged: 5 };

/**
 * Plans the changes that make the live services match the desired ones (all of them, or the
 * desired and live services of one key: the plan of a key depends on nothing else): creates, updates,
 * prunes of owned services no manifest wants, conflicts with foreign services of the same name,
 * and holds (suspended, protected, prune refused or off). Pure: policy comes in as data.
 */
export function planChanges(desired: readonly DesiredService[], live: LiveState, policy: PlanPolicy): Plan {
  const byName = new Map(live.services.map((service) => [service.Spec.Name ?? '', service]));
  const context = { networkNames: live.networkNames };
  const steps: PlanStep[] = desired.map((want) => planDesired(want, byName.get(want.spec.Name), context));
  const wanted = new Set(desired.map((want) => want.key));
  const wantedNames = new Set(desired.map((want) => want.spec.Name));
  // A GeoJob's run services are its own (plan-jobs.ts): never a GeoService's orphans.
  const orphans = live.services.filter(
    (service) => isManagedByKargo(service.Spec.Labels) && !isJobRun(service) && !wanted.has(ownerKey(service)) && !wantedNames.has(service.Spec.Name ?? ''),
  );
  const pruneRefused = policy.prune && orphans.length > 0 ? pruneRefusal(policy) : undefined;
  for (const service of orphans) steps.push(planOrphan(service, policy, pruneRefused));
  steps.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || compareCodePoints(a.key, b.key));
  return { steps, ...(pruneRefused === undefined ? {} : { pruneRefused }) };
}

/** Why no orphan may be removed under `policy`, if none may. */
export function pruneRefusal(policy: PlanPolicy): string | undefined {
  if (policy.unidentifiedFiles.size > 0) {
    const files = [...policy.unidentifiedFiles].sort(compareCodePoints);
    return `${someOf(files)} could not be read far enough to tell which GeoServices ${files.length === 1 ? 'it declares' : 'they declare'}: removing no service until ${files.length === 1 ? 'it loads' : 'they load'}`;
  }
  if (policy.sourceEmpty && !policy.allowEmpty) return 'no manifest was loaded: refusing to remove every service (use --allow-empty if that is what you want)';
  return undefined;
}

function planDesired(want: DesiredService, service: Service | undefined, context: LiveContext): PlanStep {
  const { key } = want;
  const name = want.spec.Name;
  if (service !== undefined) {
    const owned = isManagedByKargo(service.Spec.Labels);
    if (!owned && !want.adopt) {
      return { kind: 'conflict', key, name, service, reason: `service ${name} exists and is not managed by Kargo (annotate the manifest kargo.io/adopt: "true" to take it over, where the policy allows adopting it)` };
    }
    if (owned && ownerKey(service) !== key) {
      return { kind: 'conflict', key, name, service, reason: `service ${name} belongs to GeoService ${ownerKey(service)}` };
    }
  }
  const entry = diffService(name, want.spec, service?.Spec, context);
  if (want.suspended && entry.action !== 'unchanged') {
    return { kind: 'hold', key, name, reason: 'suspended (spec.suspend: true)', ...(service === undefined ? {} : { service }) };
  }
  if (service === undefined) return { kind: 'create', key, entry, spec: want.spec };
  if (entry.action === 'unchanged') return { kind: 'unchanged', key, entry, service };
  return { kind: 'update', key, entry, spec: want.spec, service };
}

function planOrphan(service: Service, policy: PlanPolicy, pruneRefused: string | undefined): PlanStep {
  const key = ownerKey(service);
  const name = service.Spec.Name ?? service.ID;
  const source = service.Spec.Labels?.[ownershipLabels.source];
  if (policy.protectedKeys.has(key) || (source !== undefined && policy.protectedFiles.has(source))) return { kind: 'hold', key, name, service, reason: 'its manifest failed to load: kept as it is' };
  if (name === policy.selfService) return { kind: 'hold', key, name, service, reason: 'Kargo runs as this service: it never removes itself' };
  if (pruneRefused !== undefined) return { kind: 'hold', key, name, service, reason: pruneRefused };
  if (!policy.prune) return { kind: 'hold', key, name, service, reason: 'no manifest wants it, and pruning is off' };
  return { kind: 'delete', key, service, entry: diffService(name, undefined, service.Spec) };
}

/** The GeoService key an owned service carries in its labels. */
export function ownerKey(service: Service): string {
  return service.Spec.Labels?.[ownershipLabels.geoService] ?? service.Spec.Name ?? service.ID;
}

/** Whether a service is a run of a GeoJob. */
export function isJobRun(service: Service): boolean {
  return service.Spec.Labels?.[ownershipLabels.geoJob] !== undefined;
}
