import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import { desiredStateOf } from '../../src/core/desired-state.js';

const network = (name: string, namespace = 'geo', spec = '{}'): string => `apiVersion: kargo.io/v1alpha1\nkind: Network\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec: ${spec}\n`;
const service = (name: string, networks: string): string => `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: ${name}, namespace: geo }\nspec:\n  image: x\n  networks: ${networks}\n`;
const parse = (...texts: string[]) => parseManifests(texts.map((text, index) => ({ path: `m${String(index)}.yaml`, text })), manifestValidators);

describe('Network manifests', () => {
  it('loads a Network by its key, and a GeoService that joins it by its short name', () => {
    const set = parse(network('back', 'geo', '{ internal: true, ipam: { config: [{ subnet: 10.9.0.0/24, gateway: 10.9.0.1 }] } }'), service('db', '[back]'));
    expect(set.problems).toEqual([]);
    expect(set.networks.map((loaded) => loaded.key)).toEqual(['Network/geo/back']);
    expect(set.manifests.map((loaded) => loaded.key)).toEqual(['geo/db']);
  });

  it('rejects a short name no Network of the namespace declares, at its line and column', () => {
    const set = parse(network('back', 'other'), service('db', '[default, back]'));
    expect(set.manifests).toEqual([]);
    expect(set.problems.map((p) => [p.file, p.line, p.column, p.field, p.code, p.key])).toEqual([['m1.yaml', 6, 23, 'spec.networks[1]', 'unknown-network', 'geo/db']]);
  });

  it('keeps a GeoService valid when the Network it names is itself broken (that Network is protected)', () => {
    const set = parse(network('back', 'geo', '{ driver: "two words" }'), service('db', '[back]'));
    expect(set.manifests.map((loaded) => loaded.key)).toEqual(['geo/db']);
    expect(set.problems.map((p) => [p.key, p.field])).toEqual([['Network/geo/back', 'spec.driver']]);
    expect(desiredStateOf(set, '.', 'r').protectedKeys).toEqual(new Set(['Network/geo/back']));
  });

  it('keeps the default network of a namespace whose GeoService manifest is broken (its service may still join it)', () => {
    const state = desiredStateOf(parse(service('web', '[nosuchnetwork]')), '.', 'r');
    expect(state.protectedKeys).toEqual(new Set(['geo/web', 'Network/geo/default']));
  });

  it('reports a Network defined twice, and a label Kargo reserves', () => {
    const set = parse(network('back'), network('back'), network('front', 'geo', '{ labels: { io.kargo.x: y } }'));
    expect(set.networks).toEqual([]);
    expect(set.problems.map((p) => p.code).sort()).toEqual(['duplicate-name', 'duplicate-name', 'invalid-field']);
  });

  it('wants the default network of each namespace one of whose GeoServices joins it, unless a Network declares it', () => {
    const implicit = desiredStateOf(parse(service('web', '[]')), '.', 'r');
    expect(implicit.networks.map((n) => [n.key, n.spec.Name, n.spec.Labels['io.kargo.source']])).toEqual([['Network/geo/default', 'geo_default', undefined]]);
    const declared = desiredStateOf(parse(service('web', '[default]'), network('default', 'geo', '{ encrypted: true }')), '.', 'r');
    expect(declared.networks.map((n) => [n.key, n.spec.Options, n.spec.Labels['io.kargo.source']])).toEqual([['Network/geo/default', { encrypted: '' }, 'm1.yaml']]);
    const external = desiredStateOf(parse(service('web', '[{ name: traefik, external: true }]')), '.', 'r');
    expect(external.networks).toEqual([]);
  });
});

describe('an empty source', () => {
  it('is one without GeoServices, even when Networks remain (pruning every service stays refused)', async () => {
    const { snapshotOf } = await import('../../src/core/snapshot.js');
    expect(snapshotOf(parse(network('back')), '.', 'r').sourceEmpty).toBe(true);
    expect(snapshotOf(parse(service('web', '[]')), '.', 'r').sourceEmpty).toBe(false);
  });
});
