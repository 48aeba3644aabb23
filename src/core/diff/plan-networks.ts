import { compareCodePoints } from '../render/canonical-json.js';
import { someOf } from '../list-text.js';
import { isManagedByKargo, ownershipLabels } from '../render/ownership.js';
import { formatKey, parseKey } from '../object-key.js';
import type { NetworkCreateRequest, NetworkResource, Service, UpdateState } from '../swarm/engine-api.js';
import type { ChangeSetEntry } from './change-set.js';
import { networkFieldChanges } from './comparable-network.js';
import type { PlanPolicy } from './plan-changes.js';

/** A Network as the plan sees it: its key, its rendered create body, and whether a manifest declared it. */
export interface DesiredNetwork {
  readonly key: string;
  readonly spec: NetworkCreateRequest;
}

/** The networks as read from the engine, and the services (any owner) that may use them. */
export interface LiveNetworks {
  readonly networks: readonly NetworkResource[];
  readonly services: readonly Service[];
}

export type NetworkPlanStep =
  | { readonly kind: 'create'; readonly key: string; readonly entry: ChangeSetEntry; readonly spec: NetworkCreateRequest }
  /** Swarm cannot change a network: an update is a removal and a create, planned only for a network no service uses. */
  | { readonly kind: 'update'; readonly key: string; readonly entry: ChangeSetEntry; readonly spec: NetworkCreateRequest; readonly network: NetworkResource }
  | { readonly kind: 'unchanged'; readonly key: string; readonly entry: ChangeSetEntry; readonly network: NetworkResource }
  | { readonly kind: 'delete'; readonly key: string; readonly entry: ChangeSetEntry; readonly network: NetworkResource }
  | { readonly kind: 'conflict'; readonly key: string; readonly name: string; readonly reason: string; readonly network: NetworkResource }
  | { readonly kind: 'hold'; readonly key: string; readonly name: string; readonly reason: string; readonly holdReason: NetworkHoldReason; readonly network?: NetworkResource };

/** Why a network is left as it is: the status reason. */
export type NetworkHoldReason = 'NetworkImmutable' | 'InUse' | 'Held';

const immutable = 'Swarm cannot change a network in place';

/** Rollout states from which Swarm may still go back to the previous spec. */
const rolloutUnderWay: readonly (UpdateState | undefined)[] = ['updating', 'paused', 'rollback_started', 'rollback_paused'];

/**
 * Plans the networks: creates, recreates of changed networks no service uses, removals of owned
 * networks no manifest wants once no service uses them, conflicts with foreign networks of the
 * same name, and holds. Pure, like planChanges, and under the same policy (protected keys and
 * files, prune refused or off).
 */
export function planNetworks(desired: readonly DesiredNetwork[], live: LiveNetworks, policy: PlanPolicy, pruneRefused: string | undefined): NetworkPlanStep[] {
  const byName = new Map(live.networks.map((network) => [network.Name, network]));
  const steps: NetworkPlanStep[] = desired.map((want) => planDesired(want, byName.get(want.spec.Name), live.services));
  const wanted = new Set(desired.map((want) => want.key));
  const wantedNames = new Set(desired.map((want) => want.spec.Name));
  const orphans = live.networks.filter((network) => isManagedByKargo(network.Labels ?? undefined) && !wanted.has(networkOwnerKey(network)) && !wantedNames.has(network.Name));
  for (const network of orphans) steps.push(planOrphan(network, live.services, policy, pruneRefused));
  return steps.sort((a, b) => compareCodePoints(a.key, b.key));
}

function planDesired(want: DesiredNetwork, network: NetworkResource | undefined, services: readonly Service[]): NetworkPlanStep {
  const { key } = want;
  const name = want.spec.Name;
  if (network === undefined) return { kind: 'create', key, spec: want.spec, entry: { name, action: 'created', changes: [], recreateReasons: [] } };
  if (!isManagedByKargo(network.Labels ?? undefined)) {
    return { kind: 'conflict', key, name, network, reason: `network ${name} exists and was not created by Kargo (Swarm cannot relabel a network: remove it, or name it in the GeoServices with external: true and drop this Network)` };
  }
  if (networkOwnerKey(network) !== key) return { kind: 'conflict', key, name, network, reason: `network ${name} belongs to ${networkOwnerKey(network)}` };
  // Decided on what the network is, never on the hash label alone: a change in how Kargo renders
  // a network (a new label of its own) must not recreate or hold every network in use.
  const shown = networkFieldChanges(want.spec, network);
  if (shown.length === 0) return { kind: 'unchanged', key, network, entry: { name, action: 'unchanged', changes: [], recreateReasons: [] } };
  const users = usersOf(network, services);
  if (users.length > 0) {
    const fields = shown.map((change) => change.path).join(', ');
    return { kind: 'hold', key, name, network, holdReason: 'NetworkImmutable', reason: `${immutable} (${fields}) and ${describeUsers(users)}: remove them from it, or give the Network another name` };
  }
  return { kind: 'update', key, network, spec: want.spec, entry: { name, action: 'configured', changes: shown, recreateReasons: [`${immutable}; no service uses it`] } };
}

function planOrphan(network: NetworkResource, services: readonly Service[], policy: PlanPolicy, pruneRefused: string | undefined): NetworkPlanStep {
  const key = networkOwnerKey(network);
  const name = network.Name;
  const source = network.Labels?.[ownershipLabels.source];
  const held = (reason: string, holdReason: NetworkHoldReason = 'Held'): NetworkPlanStep => ({ kind: 'hold', key, name, network, reason, holdReason });
  if (policy.protectedKeys.has(key) || (source !== undefined && policy.protectedFiles.has(source))) return held('its manifest failed to load: kept as it is');
  if (pruneRefused !== undefined) return held(pruneRefused);
  if (!policy.prune) return held('no manifest wants it, and pruning is off');
  const users = usersOf(network, services);
  if (users.length > 0) return held(`no manifest wants it, but ${describeUsers(users)}: removed once none does`, 'InUse');
  return { kind: 'delete', key, network, entry: { name, action: 'deleted', changes: [], recreateReasons: [] } };
}

/**
 * The names of the services attached to a network (their specs name it by id, or by name before
 * Swarm resolved it). While a rollout has not completed, the previous spec counts too: Swarm's
 * rollback would put it back.
 */
export function usersOf(network: NetworkResource, services: readonly Service[]): string[] {
  const joins = (spec: Service['Spec'] | undefined): boolean =>
    (spec?.TaskTemplate?.Networks ?? []).some((attachment) => attachment.Target === network.Id || attachment.Target === network.Name);
  const mayRollBack = (service: Service): boolean => rolloutUnderWay.includes(service.UpdateStatus?.State);
  return services
    .filter((service) => joins(service.Spec) || (mayRollBack(service) && joins(service.PreviousSpec)))
    .map((service) => service.Spec.Name ?? service.ID)
    .sort(compareCodePoints);
}

function describeUsers(users: readonly string[]): string {
  return `${users.length === 1 ? 'service' : 'services'} ${someOf(users)} ${users.length === 1 ? 'uses' : 'use'} it`;
}

/** The Network key an owned network carries in its labels (`namespace/name`, as a GeoService's key reads). */
export function networkOwnerKey(network: NetworkResource): string {
  const { namespace, name } = parseKey(network.Labels?.[ownershipLabels.network] ?? `/${network.Name}`);
  return formatKey('Network', namespace, name);
}
