/**
 * spec.dependsOn on the real engine: a GeoService is not created (nor updated) while a dependency
 * is not Ready, its status says what it waits for, and it goes as soon as the dependency is Ready.
 */
import { describe, expect, it } from 'vitest';
import { conditionOf } from '../../src/core/status/object-status.js';
import { httpManifest, useKargo } from '../support/running-kargo.js';
import { waitFor } from '../support/swarm.js';

const startKargo = useKargo();

const crashing = (namespace: string): string => httpManifest(namespace, 'db').replace('kargo-local/http:1', 'kargo-local/crash:1');
const waitsForDb = '  dependsOn: [db]\n';

describe('dependsOn', () => {
  it('creates a GeoService only once what it depends on is Ready, and at once then', async () => {
    const k = await startKargo({ 'db.yaml': crashing, 'web.yaml': (ns) => httpManifest(ns, 'web', waitsForDb) });
    const waiting = await waitFor('web waiting for db', () => {
      const status = k.status('web');
      return status !== undefined && conditionOf(status, 'Reconciling')?.reason === 'WaitingForDependency' ? status : undefined;
    });
    expect(conditionOf(waiting, 'Reconciling')?.message).toMatch(new RegExp(`waiting for ${k.namespace}/db( \\(\\w+\\))? to be Ready`));
    expect((await k.services()).has(`${k.namespace}_web`)).toBe(false);

    k.write('db.yaml', httpManifest(k.namespace, 'db'));
    await k.waitForCondition('db', 'Ready');
    const readyAt = Date.now();
    await k.waitForCondition('web', 'Ready');
    expect(k.swarm.created.map((spec) => spec.Name)).toEqual([`${k.namespace}_db`, `${k.namespace}_web`]);
    // Woken by db turning Ready, not by a poll or a resync (there is none in tests).
    expect(Date.now() - readyAt).toBeLessThan(15_000);
  });

  it('holds an update of a GeoService while what it depends on is not Ready', async () => {
    const k = await startKargo({ 'db.yaml': (ns) => httpManifest(ns, 'db'), 'web.yaml': (ns) => httpManifest(ns, 'web', waitsForDb) });
    await k.waitForCondition('web', 'Ready');
    k.write('db.yaml', crashing(k.namespace));
    await waitFor('db to leave Ready', () => (k.status('db')?.conditions.some((c) => c.type === 'Ready' && c.status !== 'True') === true ? true : undefined), { timeoutMs: 60_000 });
    const before = (await k.services()).get(`${k.namespace}_web`);
    k.write('web.yaml', httpManifest(k.namespace, 'web', waitsForDb, 'RESPONSE: changed'));
    await waitFor('web waiting for db', () => (k.status('web')?.conditions.some((c) => c.reason === 'WaitingForDependency') === true ? true : undefined));
    const after = (await k.services()).get(`${k.namespace}_web`);
    expect(after?.Version.Index).toBe(before?.Version.Index);
    expect(after?.Spec.TaskTemplate?.ContainerSpec?.Env).toContain('RESPONSE=hello');
  });

  it('reports an unknown dependency and a cycle at their lines, and creates neither', async () => {
    const k = await startKargo({
      'a.yaml': (ns) => httpManifest(ns, 'a', '  dependsOn: [b]\n'),
      'b.yaml': (ns) => httpManifest(ns, 'b', '  dependsOn: [a]\n'),
      'c.yaml': (ns) => httpManifest(ns, 'c', '  dependsOn: [nowhere]\n'),
      'd.yaml': (ns) => httpManifest(ns, 'd'),
    });
    await k.waitForCondition('d', 'Ready');
    const problems = k.operator?.controller.currentSnapshot?.problems ?? [];
    expect(problems.map((problem) => [problem.code, problem.key, problem.field, problem.line])).toEqual([
      ['dependency-cycle', `${k.namespace}/a`, 'spec.dependsOn[0]', 11],
      ['dependency-cycle', `${k.namespace}/b`, 'spec.dependsOn[0]', 11],
      ['unknown-dependency', `${k.namespace}/c`, 'spec.dependsOn[0]', 11],
    ]);
    expect([...(await k.services()).keys()]).toEqual([`${k.namespace}_d`]);
  });
});
