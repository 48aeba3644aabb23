import { planPolicyOf } from '../core/desired-state.js';
import { pruneRefusal } from '../core/diff/plan-changes.js';
import { networkFieldChanges } from '../core/diff/comparable-network.js';
import { planNetworks, type DesiredNetwork, type NetworkPlanStep } from '../core/diff/plan-networks.js';
import { isManagedByKargo } from '../core/render/ownership.js';
import { parseKey, swarmNameOf } from '../core/object-key.js';
import type { Snapshot } from '../core/snapshot.js';
import type { NetworkResource, Service } from '../core/swarm/engine-api.js';
import type { SwarmPort } from './swarm-port.js';
import { describeError } from '../errors.js';
import type { ReconcileContext } from './reconcile-context.js';
import { outcome, type ReconcileOutcome } from './reconcile-outcome.js';

/**
 * Reconciles one Network: re-reads the network of its name and the services (any of them may be
 * attached to it), plans, and creates it, recreates it while no service uses it, removes it once
 * no manifest wants it and no service uses it, or holds it and says why.
 */
export async function reconcileNetwork(key: string, snapshot: Snapshot, context: ReconcileContext): Promise<ReconcileOutcome> {
  const { swarm, settings } = context;
  const desired = snapshot.networks.get(key);
  const name = swarmNameOf(parseKey(key));
  // The name filter matches parts of names: keep the network of exactly this name.
  const networks = (await swarm.listNetworks({ name: [name] })).filter((network) => network.Name === name);
  const live = { networks, services: await servicesThatMatter(networks[0], desired, swarm) };
  const policy = planPolicyOf(snapshot, snapshot.sourceEmpty, settings);
  const steps = planNetworks(desired === undefined ? [] : [desired], live, policy, settings.prune ? pruneRefusal(policy) : undefined);
  let result: ReconcileOutcome | undefined;
  for (const step of steps) result = await applyNetworkStep(step, context);
  return result ?? outcome(key, { kind: 'ready' }, { gone: true });
}

/**
 * Who uses a network matters only to change or remove it: creating a missing network, or finding
 * one unchanged (every resync, for every namespace's default network), lists no service at all.
 */
async function servicesThatMatter(network: NetworkResource | undefined, desired: DesiredNetwork | undefined, swarm: SwarmPort): Promise<Service[]> {
  if (network === undefined) return [];
  if (desired !== undefined && isManagedByKargo(network.Labels ?? undefined) && networkFieldChanges(desired.spec, network).length === 0) return [];
  return swarm.listServices();
}

async function applyNetworkStep(step: NetworkPlanStep, context: ReconcileContext): Promise<ReconcileOutcome> {
  const { key } = step;
  const { swarm, networks, removals } = context;
  if (step.kind !== 'update' && step.kind !== 'delete') removals.recordSettled(key);
  switch (step.kind) {
    case 'create':
      await swarm.createNetwork(step.spec);
      networks.forget();
      return outcome(key, { kind: 'ready' }, { action: 'created' });
    case 'update': {
      // Planned only while no service uses it; the engine refuses the removal if one joined since.
      const refused = await removeUnlessInUse(key, step.network, context);
      if (refused !== undefined) return refused;
      await swarm.createNetwork(step.spec);
      networks.forget();
      return outcome(key, { kind: 'ready' }, { action: 'recreated', changedFields: step.entry.changes.map((change) => change.path) });
    }
    case 'delete': {
      const refused = await removeUnlessInUse(key, step.network, context);
      if (refused !== undefined) return refused;
      networks.forget();
      return outcome(key, { kind: 'ready' }, { action: 'deleted', gone: true });
    }
    case 'unchanged':
      return outcome(key, { kind: 'ready' });
    case 'conflict':
      return outcome(key, { kind: 'stalled', reason: 'Conflict', message: step.reason });
    case 'hold':
      return outcome(key, { kind: 'stalled', reason: step.holdReason, message: step.reason });
  }
}

/**
 * Removes a network; undefined once it is gone. The engine refuses while something still holds
 * it: tasks of a service removed a moment ago (Kargo looks again soon), or what Kargo does not see
 * in service specs (a container on an attachable network). A removal refused again and again is
 * held, with the engine's words, and tried again after a backoff.
 */
async function removeUnlessInUse(key: string, network: NetworkResource, context: ReconcileContext): Promise<ReconcileOutcome | undefined> {
  const signature = `remove|${network.Id}`;
  const heldFor = context.removals.heldFor(key, signature);
  const held = (why: string, requeueAfterMs: number): ReconcileOutcome =>
    outcome(key, { kind: 'stalled', reason: 'InUse', message: `the engine refuses to remove network ${network.Name} (${why}); trying again in ${String(Math.ceil(requeueAfterMs / 1000))}s` }, { requeueAfterMs });
  if (heldFor !== undefined) return held('it refused before', heldFor);
  try {
    context.removals.recordSent(key, signature);
    await context.swarm.removeNetwork(network.Id);
    context.removals.recordSettled(key);
    return undefined;
  } catch (error) {
    const message = describeError(error);
    if (!/in use|active endpoints/i.test(message)) throw error;
    const backoff = context.removals.heldFor(key, signature);
    if (backoff !== undefined) return held(message, backoff);
    return outcome(key, { kind: 'progressing', reason: 'InUse', message: `waiting for the tasks on network ${network.Name} to stop` }, { inProgress: true });
  }
}
