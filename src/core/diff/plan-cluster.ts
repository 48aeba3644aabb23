import type { DesiredState } from '../desired-state.js';
import type { NetworkResource, Service } from '../swarm/engine-api.js';
import { planChanges, pruneRefusal, type LiveState, type PlanPolicy, type PlanStep } from './plan-changes.js';
import { planNetworks, type NetworkPlanStep } from './plan-networks.js';

/** A step of a whole-cluster plan: a service's or a network's. */
export type ClusterPlanStep = PlanStep | NetworkPlanStep;

/** The cluster as a whole-cluster plan reads it. */
export interface ClusterLiveState extends LiveState {
  readonly networks: readonly NetworkResource[];
  /** Every service, another Kargo's too, since each of them may use a network, which keeps it. */
  readonly everyService: readonly Service[];
}

/** Every owned object's step, in the order the writes go out. */
export interface ClusterPlan {
  readonly steps: readonly ClusterPlanStep[];
  /** Set when pruning was refused wholesale, with the reason. */
  readonly pruneRefused?: string;
}

/**
 * The plan of every object, staged as Flux's ssa applies kinds: the networks the manifests want,
 * then the services, then the removals (and holds) of networks no manifest wants, which come
 * after the services that used them. The same plan functions the controller's reconciles use,
 * one key at a time.
 */
export function planCluster(state: DesiredState, live: ClusterLiveState, policy: PlanPolicy): ClusterPlan {
  const services = planChanges(state.desired, live, policy);
  const refused = policy.prune ? pruneRefusal(policy) : undefined;
  const networks = planNetworks(state.networks, { networks: live.networks, services: live.everyService }, policy, refused);
  const wanted = new Set(state.networks.map((network) => network.key));
  const networksHeld = networks.some((step) => step.kind === 'hold' && !wanted.has(step.key) && step.reason === refused);
  const pruneRefused = services.pruneRefused ?? (networksHeld ? refused : undefined);
  return {
    steps: [...networks.filter((step) => wanted.has(step.key)), ...services.steps, ...networks.filter((step) => !wanted.has(step.key))],
    ...(pruneRefused === undefined ? {} : { pruneRefused }),
  };
}
