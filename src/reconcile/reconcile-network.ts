import { planPolicyOf } from '../core/desired-state.js';
import { pruneRefusal } from '../core/diff/plan-changes.js';
import { planNetworks, type NetworkPlanStep } from '../core/diff/plan-networks.js';
import { parseKey, swarmNameOf } from '../core/object-key.js';
import type { Snapshot } from '../core/snapshot.js';
import type { NetworkResource } from '../core/swarm/engine-api.js';
import { describeError } from '../errors.js';
import type { NetworkNames } from './network-names.js';
import type { ReconcileContext } from './reconcile-context.js';
import { outcome, type ReconcileOutcome } from './reconcile-outcome.js';
import type { SwarmPort } from './swarm-port.js';

/**
 * Reconciles one Network: re-reads the network of its name and the services (any of them may be
 * attached to it), plans, and creates it, recreates it while no service uses it, removes it once
 * no manifest wants it and no service uses it, or holds it and says why.
 */
export async function reconcileNetwork(key: string, snapshot: Snapshot, context: ReconcileContext): Promise<ReconcileOutcome> {
  const { swarm, networks, settings } = context;
  const desired = snapshot.networks.get(key);
  const name = swarmNameOf(parseKey(key));
  // The name filter matches parts of names: keep the network of exactly this name.
  const [found, services] = await Promise.all([swarm.listNetworks({ name: [name] }), swarm.listServices()]);
  const live = { networks: found.filter((network) => network.Name === name), services };
  const policy = planPolicyOf(snapshot, snapshot.sourceEmpty, settings);
  const steps = planNetworks(desired === undefined ? [] : [desired], live, policy, pruneRefusal(policy));
  let result: ReconcileOutcome | undefined;
  for (const step of steps) result = await applyNetworkStep(step, swarm, networks);
  return result ?? outcome(key, { kind: 'ready' }, { gone: true });
}

async function applyNetworkStep(step: NetworkPlanStep, swarm: SwarmPort, networks: NetworkNames): Promise<ReconcileOutcome> {
  const { key } = step;
  switch (step.kind) {
    case 'create':
      await swarm.createNetwork(step.spec);
      networks.forget();
      return outcome(key, { kind: 'ready' }, { action: 'created' });
    case 'update': {
      // Planned only while no service uses it; the engine refuses the removal if one joined since.
      const removed = await removeUnlessInUse(step.network, swarm);
      if (!removed) return inUse(key, step.network.Name);
      await swarm.createNetwork(step.spec);
      networks.forget();
      return outcome(key, { kind: 'ready' }, { action: 'recreated', changedFields: step.entry.changes.map((change) => change.path) });
    }
    case 'delete': {
      const removed = await removeUnlessInUse(step.network, swarm);
      if (!removed) return inUse(key, step.network.Name);
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
 * Removes a network, or says that a service still uses it: tasks of a service removed a moment
 * ago may still hold endpoints on it, and Swarm answers FailedPrecondition until they are gone.
 */
async function removeUnlessInUse(network: NetworkResource, swarm: SwarmPort): Promise<boolean> {
  try {
    await swarm.removeNetwork(network.Id);
    return true;
  } catch (error) {
    if (/in use|active endpoints/i.test(describeError(error))) return false;
    throw error;
  }
}

/** The engine still sees the network in use: look again soon (the services that used it are going). */
function inUse(key: string, name: string): ReconcileOutcome {
  return outcome(key, { kind: 'progressing', reason: 'InUse', message: `waiting for the tasks on network ${name} to stop` }, { inProgress: true });
}
