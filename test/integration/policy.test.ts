/** The policy on a real swarm: what it denies is never written, a live service it denies is held, adoption needs it. */
import { describe, expect, inject, it } from 'vitest';
import { conditionOf } from '../../src/core/status/object-status.js';
import type { Policy } from '../../src/core/policy/policy.js';
import { httpManifest, RunningKargo, useKargo } from '../support/running-kargo.js';

const startKargo = useKargo();

/** Everything the issue saw an attacker ask for: the node's root, the socket, its network, root. */
const hostile = (namespace: string): string =>
  httpManifest(
    namespace,
    'hostile',
    `  user: "0"
  networks: [{ name: host, external: true }]
  volumes:
    - { type: bind, source: /, target: /host }
    - { type: bind, source: /var/run/docker.sock, target: /var/run/docker.sock }
`,
  );

const adopting = (namespace: string): string => httpManifest(namespace, 'legacy').replace('metadata: { name: legacy, namespace: ', 'metadata: { annotations: { kargo.io/adopt: "true" }, name: legacy, namespace: ');

describe('the policy', () => {
  it('never creates a hostile GeoService, and converges the others', async () => {
    const k = await startKargo({ 'good.yaml': (ns) => httpManifest(ns, 'alpha'), 'hostile.yaml': hostile });
    await k.waitForCondition('alpha', 'Ready');
    const denied = await k.waitForCondition('hostile', 'Stalled');
    expect(conditionOf(denied, 'Stalled')).toMatchObject({ reason: 'ManifestInvalid' });
    expect(conditionOf(denied, 'Stalled')?.message).toMatch(/hostile\.yaml:\d+:\d+: .*denied by policy rule (runAsRoot|binds\.deniedPaths|networks\.host) \(built-in baseline\)/);
    const problems = k.operator?.controller.currentSnapshot?.problems ?? [];
    expect(problems.map((problem) => [problem.code, problem.rule, problem.field])).toEqual([
      ['policy-denied', 'runAsRoot', 'spec.user'],
      ['policy-denied', 'networks.host', 'spec.networks[0]'],
      ['policy-denied', 'binds.deniedPaths', 'spec.volumes[0].source'],
      ['policy-denied', 'binds.deniedPaths', 'spec.volumes[1].source'],
    ]);
    expect((await k.services()).has(`${k.namespace}_hostile`)).toBe(false);
    expect(k.swarm.created.map((spec) => spec.Name)).toEqual([`${k.namespace}_alpha`]);
  });

  it('holds a live service whose manifest becomes denied, exactly as it is', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha'), 'b.yaml': (ns) => httpManifest(ns, 'beta') });
    await k.waitForCondition('alpha', 'Ready');
    const before = (await k.services()).get(`${k.namespace}_alpha`);
    k.write('a.yaml', httpManifest(k.namespace, 'alpha', '  volumes: [{ type: bind, source: /etc/../var/run/docker.sock, target: /s }]\n'));
    const held = await k.waitForCondition('alpha', 'Stalled');
    expect(conditionOf(held, 'Stalled')?.message).toContain('exposes /var/run/docker.sock');
    await k.operator?.controller.resync();
    expect((await k.services()).get(`${k.namespace}_alpha`)?.Version.Index).toBe(before?.Version.Index);
    expect(k.swarm.writes).toMatchObject({ update: 0, remove: 0 });
  });

  it('refuses adoption under the baseline, and adopts what a policy file allows', async () => {
    const baseline = await startKargo({ 'b.yaml': (ns) => httpManifest(ns, 'beta') });
    await baseline.waitForCondition('beta', 'Ready');
    const legacyName = `${baseline.namespace}_legacy`;
    // Another team's service, made outside Kargo, in the same stack namespace.
    await baseline.swarm.createService({
      Name: legacyName,
      Labels: { 'com.docker.stack.namespace': baseline.namespace, team: 'other' },
      TaskTemplate: { ContainerSpec: { Image: 'kargo-local/http:1' } },
      Mode: { Replicated: { Replicas: 0 } },
    });
    baseline.write('legacy.yaml', adopting(baseline.namespace));
    const refused = await baseline.waitForCondition('legacy', 'Stalled');
    expect(conditionOf(refused, 'Stalled')?.message).toContain('denied by policy rule adopt (built-in baseline)');
    expect((await baseline.services()).get(legacyName)?.Spec.Labels).toEqual({ 'com.docker.stack.namespace': baseline.namespace, team: 'other' });
    expect(baseline.swarm.writes.update).toBe(0);
    await baseline.runtime?.stop();

    const policy: Policy = { origin: 'policy test.yaml', defaults: {}, namespaces: new Map([[baseline.namespace, { adopt: [`${baseline.namespace}_legacy`] }]]) };
    // A restart of the same Kargo with a policy file that allows this one adoption.
    const allowed = new RunningKargo(inject('dockerHost'), baseline.namespace, { policy });
    try {
      allowed.write('b.yaml', httpManifest(baseline.namespace, 'beta'));
      allowed.write('legacy.yaml', adopting(baseline.namespace));
      await allowed.start();
      await allowed.waitForCondition('legacy', 'Ready');
      expect((await allowed.services()).get(legacyName)?.Spec.Labels?.['io.kargo.managed-by']).toBe('kargo');
    } finally {
      await allowed.stop();
    }
  });
});
