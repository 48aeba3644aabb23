/**
 * spec.dependsOn on the real engine: a GeoService is not created (nor updated), nor a GeoJob's run
 * started, while a dependency is not Ready; its status says what it waits for, and it goes as soon
 * as the dependency is Ready.
 */
import { describe, expect, it } from 'vitest';
import { conditionOf } from '../../src/core/status/object-status.js';
import { httpManifest, useKargo } from '../support/running-kargo.js';
import { waitFor } from '../support/swarm.js';

const startKargo = useKargo();

const crashing = (namespace: string): string => httpManifest(namespace, 'db').replace('kargo-local/http:1', 'kargo-local/crash:1');
const waitsForDb = '  dependsOn: [db]\n';

/**
 * A db whose task can never be placed, so that it is never Ready: the crashing one runs for a
 * second each time, and may be Ready for that long.
 */
const unplaceable = (namespace: string): string => httpManifest(namespace, 'db', '  placement: { constraints: [node.labels.kargo-never == true] }\n');

/** A GeoJob without schedule (one run per spec) on the local busybox job image, waiting for db. */
const seedJob = (namespace: string): string => `apiVersion: kargo.io/v1alpha1
kind: GeoJob
metadata: { name: seed, namespace: ${namespace} }
spec:
  image: kargo-local/job:1
  command: [sh, -c, "echo seeding"]
  stopGracePeriod: 1s
${waitsForDb}`;

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

  it('starts no run of a GeoJob until what it depends on is Ready, then runs it', async () => {
    const k = await startKargo({ 'db.yaml': unplaceable, 'seed.yaml': seedJob });
    const jobStatus = (): ReturnType<typeof k.status> => k.operator?.controller.statuses.get(`GeoJob/${k.namespace}/seed`);
    const waiting = await waitFor('the seed job waiting for db', () => {
      const status = jobStatus();
      return status !== undefined && conditionOf(status, 'Reconciling')?.reason === 'WaitingForDependency' ? status : undefined;
    });
    expect(conditionOf(waiting, 'Reconciling')?.message).toMatch(new RegExp(`waiting for ${k.namespace}/db( \\(\\w+\\))? to be Ready\\b.* before a run starts$`));
    // Still no run a while later: only db was created.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect([...(await k.services()).keys()]).toEqual([`${k.namespace}_db`]);

    k.write('db.yaml', httpManifest(k.namespace, 'db'));
    await k.waitForCondition('db', 'Ready');
    const readyAt = Date.now();
    const done = await waitFor('the seed run to succeed', () => {
      const status = jobStatus();
      return status?.job?.lastSuccessful !== undefined && conditionOf(status, 'Ready')?.status === 'True' ? status : undefined;
    }, { timeoutMs: 60_000 });
    expect(done.job?.lastSuccessful?.name).toMatch(new RegExp(`^${k.namespace}_seed-`));
    expect(k.swarm.created.map((spec) => spec.Name)).toEqual([`${k.namespace}_db`, expect.stringMatching(new RegExp(`^${k.namespace}_seed-`)) as unknown]);
    // Woken by db turning Ready, not by a poll or a resync (there is none in tests).
    expect(Date.now() - readyAt).toBeLessThan(15_000);
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
