import type { Snapshot } from '../core/snapshot.js';
import type { ServiceSpec } from '../core/swarm/engine-api.js';
import type { Phase } from '../core/status/object-status.js';
import type { NetworkNames } from './network-names.js';

/** Why a service may not be written yet, and the Network keys it waits for. */
export interface NetworksNotReady {
  readonly phase: Phase;
  readonly waitingFor: readonly string[];
}

/**
 * Whether the Kargo networks a spec joins (declared by Network manifests, or a namespace's
 * default network) are there to join: a service is not created or updated before them, and never
 * put on a network of the same name that Kargo did not make (its Network is in conflict).
 */
export async function networksNotReady(spec: ServiceSpec, snapshot: Snapshot, networks: NetworkNames): Promise<NetworksNotReady | undefined> {
  const managed = new Map([...snapshot.networks.values()].map((network) => [network.spec.Name, network.key]));
  const missing: [string, string][] = [];
  const foreign: string[] = [];
  for (const target of (spec.TaskTemplate?.Networks ?? []).map((attachment) => attachment.Target ?? '')) {
    const key = managed.get(target);
    if (key === undefined) continue;
    const state = await networks.stateOf(target, key);
    if (state === 'missing') missing.push([target, key]);
    if (state === 'foreign') foreign.push(target);
  }
  if (foreign.length > 0) {
    const message = `network ${foreign.join(', ')} exists but Kargo did not create it (see its Network's Conflict): the service is not put on it`;
    return { phase: { kind: 'stalled', reason: 'NetworkConflict', message }, waitingFor: [] };
  }
  if (missing.length > 0) {
    const message = `waiting for network ${missing.map(([name]) => name).join(', ')} to be created`;
    return { phase: { kind: 'progressing', reason: 'WaitingForNetwork', message }, waitingFor: missing.map(([, key]) => key) };
  }
  return undefined;
}
