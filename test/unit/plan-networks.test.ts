import { describe, expect, it } from 'vitest';
import { planNetworks, type DesiredNetwork } from '../../src/core/diff/plan-networks.js';
import type { PlanPolicy } from '../../src/core/diff/plan-changes.js';
import { implicitDefaultNetwork, renderNetworkSpec } from '../../src/core/render/render-network-spec.js';
import type { NetworkResource, Service } from '../../src/core/swarm/engine-api.js';

const policy: PlanPolicy = { prune: true, allowEmpty: false, sourceEmpty: false, protectedKeys: new Set(), protectedFiles: new Set(), unidentifiedFiles: new Set() };

function desired(spec: Record<string, unknown> = {}, name = 'back'): DesiredNetwork {
  const resource = { apiVersion: 'kargo.io/v1alpha1' as const, kind: 'Network' as const, metadata: { name, namespace: 'geo' }, spec };
  return { key: `Network/geo/${name}`, spec: renderNetworkSpec(resource, { revision: 'r1', sourceFile: 'net.yaml' }) };
}

/** The network as the engine returns it after Kargo created it from `want`. */
function live(want: DesiredNetwork, id = 'n1'): NetworkResource {
  return { Id: id, Name: want.spec.Name, Scope: 'swarm', Driver: want.spec.Driver, Attachable: want.spec.Attachable === true, Internal: want.spec.Internal === true, Labels: want.spec.Labels, Options: { 'com.docker.network.driver.overlay.vxlanid_list': '4097', ...want.spec.Options }, IPAM: { Driver: 'default', Config: [{ Subnet: '10.0.9.0/24', Gateway: '10.0.9.1' }] } };
}

function serviceOn(networkId: string, name = 'geo_db'): Service {
  return { ID: name, Version: { Index: 1 }, Spec: { Name: name, TaskTemplate: { Networks: [{ Target: networkId }] } } };
}

describe('planNetworks', () => {
  it('creates a missing network, and leaves one created from the same spec alone', () => {
    const want = desired({ attachable: true });
    expect(planNetworks([want], { networks: [], services: [] }, policy, undefined).map((step) => step.kind)).toEqual(['create']);
    expect(planNetworks([want], { networks: [live(want)], services: [] }, policy, undefined).map((step) => step.kind)).toEqual(['unchanged']);
  });

  it('recreates a changed network no service uses, naming the fields', () => {
    const [step] = planNetworks([desired({ internal: true })], { networks: [live(desired())], services: [] }, policy, undefined);
    expect(step?.kind).toBe('update');
    expect(step !== undefined && 'entry' in step ? step.entry.changes : []).toEqual([{ path: 'Internal', to: true }]);
  });

  it('holds a changed network a service uses: Swarm cannot change it in place', () => {
    const [step] = planNetworks([desired({ encrypted: true })], { networks: [live(desired())], services: [serviceOn('n1')] }, policy, undefined);
    expect(step).toMatchObject({ kind: 'hold', holdReason: 'NetworkImmutable' });
    expect(step !== undefined && 'reason' in step ? step.reason : '').toContain('Options[encrypted]');
    expect(step !== undefined && 'reason' in step ? step.reason : '').toContain('geo_db');
  });

  it('removes an owned network no manifest wants once no service uses it, and holds it until then', () => {
    const orphan = live(desired());
    expect(planNetworks([], { networks: [orphan], services: [] }, policy, undefined).map((step) => step.kind)).toEqual(['delete']);
    const [held] = planNetworks([], { networks: [orphan], services: [serviceOn('n1')] }, policy, undefined);
    expect(held).toMatchObject({ kind: 'hold', holdReason: 'InUse' });
  });

  it('keeps an unwanted network whose manifest failed to load, when pruning is off or refused', () => {
    const orphan = live(desired());
    const cases: [PlanPolicy, string | undefined, string][] = [
      [{ ...policy, protectedKeys: new Set(['Network/geo/back']) }, undefined, 'failed to load'],
      [{ ...policy, protectedFiles: new Set(['net.yaml']) }, undefined, 'failed to load'],
      [{ ...policy, prune: false }, undefined, 'pruning is off'],
      [policy, 'no manifest was loaded', 'no manifest was loaded'],
    ];
    for (const [held, refused, reason] of cases) {
      const [step] = planNetworks([], { networks: [orphan], services: [] }, held, refused);
      expect(step).toMatchObject({ kind: 'hold' });
      expect(step !== undefined && 'reason' in step ? step.reason : '').toContain(reason);
    }
  });

  it('never plans a write to a network Kargo did not create, nor to another Network\'s', () => {
    const want = desired();
    const foreign: NetworkResource = { Id: 'f1', Name: 'geo_back', Labels: { owner: 'ops' } };
    expect(planNetworks([want], { networks: [foreign], services: [] }, policy, undefined)).toMatchObject([{ kind: 'conflict' }]);
    expect(planNetworks([], { networks: [foreign], services: [] }, policy, undefined)).toEqual([]);
    const other = { ...live(want), Labels: { ...live(want).Labels, 'io.kargo.network': 'geo/other' } };
    expect(planNetworks([want], { networks: [other], services: [] }, policy, undefined)).toMatchObject([{ kind: 'conflict' }]);
  });

  it('decides on what the network is: a new hash label alone, or the gateway Swarm picked, is no change', () => {
    const want = desired({ ipam: { config: [{ subnet: '10.0.9.0/24' }] } });
    const relabelled = { ...live(want), Labels: { ...live(want).Labels, 'io.kargo.spec-hash': 'from-an-older-kargo' } };
    expect(planNetworks([want], { networks: [relabelled], services: [] }, policy, undefined).map((step) => step.kind)).toEqual(['unchanged']);
  });

  it('counts a service whose previous spec joins the network as a user while its rollout may still roll back', () => {
    const movedOff = (state: 'updating' | 'completed'): Service => ({ ID: 'geo_api', Version: { Index: 2 }, Spec: { Name: 'geo_api', TaskTemplate: { Networks: [{ Target: 'other' }] } }, PreviousSpec: { Name: 'geo_api', TaskTemplate: { Networks: [{ Target: 'n1' }] } }, UpdateStatus: { State: state } });
    const [held] = planNetworks([], { networks: [live(desired())], services: [movedOff('updating')] }, policy, undefined);
    expect(held).toMatchObject({ kind: 'hold', holdReason: 'InUse' });
    expect(planNetworks([], { networks: [live(desired())], services: [movedOff('completed')] }, policy, undefined).map((step) => step.kind)).toEqual(['delete']);
  });

  it('renders the implicit default network as a plain overlay without a source file', () => {
    const spec = renderNetworkSpec(implicitDefaultNetwork('geo'), { revision: 'r1' });
    expect(spec).toMatchObject({ Name: 'geo_default', Driver: 'overlay', Scope: 'swarm' });
    expect(spec.Labels['io.kargo.source']).toBeUndefined();
    expect(spec.Labels['io.kargo.network']).toBe('geo/default');
  });
});
