/** spec.dependsOn between manifests: every dependency has a manifest, and no GeoService waits for itself through any chain; GeoJobs wait too, and are never waited for. */
import { describe, expect, it } from 'vitest';
import { manifestValidators } from '../../src/core/manifest/manifest-validators.js';
import { parseManifests } from '../../src/core/manifest/parse-manifests.js';
import { snapshotOf } from '../../src/core/snapshot.js';

function geoService(name: string, dependsOn: readonly string[] = [], namespace = 'geo'): string {
  return `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec:\n  image: x\n  dependsOn: [${dependsOn.join(', ')}]\n`;
}

function geoJob(name: string, dependsOn: readonly string[], namespace = 'geo'): string {
  return `apiVersion: kargo.io/v1alpha1\nkind: GeoJob\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec:\n  image: x\n  dependsOn: [${dependsOn.join(', ')}]\n`;
}

function parse(...documents: string[]): ReturnType<typeof parseManifests> {
  return parseManifests([{ path: 'm.yaml', text: documents.join('---\n') }], manifestValidators);
}

const problemsOf = (set: ReturnType<typeof parse>): string[][] => set.problems.map((problem) => [problem.code, problem.key ?? '', problem.message]);

describe('dependsOn', () => {
  it('accepts a chain within a namespace and across namespaces, and indexes the dependents', () => {
    const set = parse(geoService('db'), geoService('wms', ['db']), geoService('cache', ['wms', 'geo/db']), geoService('jobs', ['geo/db'], 'krawler'));
    expect(set.problems).toEqual([]);
    const snapshot = snapshotOf(set, '/', 'r1');
    expect(snapshot.desired.get('geo/cache')?.dependsOn).toEqual(['geo/wms', 'geo/db']);
    expect(Object.fromEntries(snapshot.dependents)).toEqual({ 'geo/db': ['geo/wms', 'geo/cache', 'krawler/jobs'], 'geo/wms': ['geo/cache'] });
  });

  it('reports a dependency without a manifest, and keeps one on a broken manifest', () => {
    const broken = geoService('db').replace('image: x', 'image: x\n  replicas: many');
    const set = parse(broken, geoService('wms', ['db']), geoService('cache', ['nowhere']));
    expect(problemsOf(set)).toEqual([
      ['schema', 'geo/db', 'must be an integer, not "many"'],
      ['unknown-dependency', 'geo/cache', 'GeoService geo/nowhere has no manifest: a GeoService can only wait for another one Kargo manages'],
    ]);
    expect(set.manifests.map((manifest) => manifest.key)).toEqual(['geo/wms']);
  });

  it.each([
    ['itself', [geoService('a', ['a'])], [['a', 'geo/a → geo/a']]],
    ['a pair', [geoService('a', ['b']), geoService('b', ['a'])], [['a', 'geo/a → geo/b → geo/a'], ['b', 'geo/b → geo/a → geo/b']]],
    ['a ring of three, reached from outside', [geoService('a', ['b']), geoService('b', ['c']), geoService('c', ['a']), geoService('d', ['a'])], [['a', 'geo/a → geo/b → geo/c → geo/a'], ['b', 'geo/b → geo/c → geo/a → geo/b'], ['c', 'geo/c → geo/a → geo/b → geo/c']]],
  ])('reports a cycle through %s to each member, and only them', (_what, documents, expected) => {
    const set = parse(...documents);
    expect(set.problems.map((problem) => [problem.key?.split('/')[1], problem.message.replace(/^dependency cycle: (.*); .*$/, '$1')])).toEqual(expected);
    expect(set.problems.every((problem) => problem.code === 'dependency-cycle' && problem.field.startsWith('spec.dependsOn['))).toBe(true);
  });

  it('lets a GeoJob wait for GeoServices, and indexes it among their dependents', () => {
    const set = parse(geoService('db'), geoService('wms', ['db']), geoJob('seed', ['db', 'geo/wms']), geoJob('load', ['geo/db'], 'krawler'));
    expect(set.problems).toEqual([]);
    const snapshot = snapshotOf(set, '/', 'r1');
    expect(snapshot.jobs.get('GeoJob/geo/seed')?.dependsOn).toEqual(['geo/db', 'geo/wms']);
    expect(Object.fromEntries(snapshot.dependents)).toEqual({ 'geo/db': ['geo/wms', 'GeoJob/geo/seed', 'GeoJob/krawler/load'], 'geo/wms': ['GeoJob/geo/seed'] });
  });

  it('reports a GeoJob\'s unknown dependency, and a GeoJob named as a dependency, at the entry', () => {
    const set = parse(geoService('db'), geoJob('seed', ['db', 'nowhere']), geoService('wms', ['seed']), geoJob('after', ['seed']));
    expect(problemsOf(set)).toEqual([
      ['unknown-dependency', 'GeoJob/geo/seed', 'GeoService geo/nowhere has no manifest: a GeoJob can only wait for a GeoService Kargo manages'],
      ['unknown-dependency', 'geo/wms', 'geo/seed is a GeoJob: only a GeoService can be waited for'],
      ['unknown-dependency', 'GeoJob/geo/after', 'geo/seed is a GeoJob: only a GeoService can be waited for'],
    ]);
    expect(set.problems.map((problem) => problem.field)).toEqual(['spec.dependsOn[1]', 'spec.dependsOn[0]', 'spec.dependsOn[0]']);
    expect([...set.manifests.map((manifest) => manifest.key), ...set.jobs.map((job) => job.key)]).toEqual(['geo/db']);
  });
});
