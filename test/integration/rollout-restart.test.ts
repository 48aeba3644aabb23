/** A rollout Swarm rolled back stays refused after Kargo restarts: the engine remembers it, not the process. */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { conditionOf } from '../../src/core/status/object-status.js';
import { httpManifest, rollOutCrash, RunningKargo, useKargo } from '../support/running-kargo.js';
import { waitFor } from '../support/swarm.js';

const startKargo = useKargo();

describe('a rolled-back rollout across a restart', () => {
  it('is not sent again by a fresh Kargo, and a changed manifest is', async () => {
    const k = await startKargo({ 'a.yaml': (ns) => httpManifest(ns, 'alpha') });
    const { manifest: crashing, stalled } = await rollOutCrash(k, 'a.yaml', 'alpha');
    expect(conditionOf(stalled, 'Stalled')?.reason).toBe('RolledBack');
    await k.runtime?.stop();

    // The restart: a new process, the same manifests, nothing in memory.
    const restarted = new RunningKargo(inject('dockerHost'), k.namespace);
    try {
      restarted.write('a.yaml', crashing);
      await restarted.start();
      const again = await restarted.waitForCondition('alpha', 'Stalled');
      expect(conditionOf(again, 'Stalled')?.reason).toBe('RolledBack');
      expect(again.updateStatus?.state).toBe('rollback_completed');
      await restarted.operator?.controller.resync();
      expect(restarted.swarm.writes).toMatchObject({ create: 0, update: 0, remove: 0 });
      expect((await restarted.services()).get(`${k.namespace}_alpha`)?.Spec.TaskTemplate?.ContainerSpec?.Image).toBe('kargo-local/http:1');

      restarted.write('a.yaml', httpManifest(k.namespace, 'alpha', '', 'RESPONSE: fixed'));
      await waitFor('the changed manifest to be sent', () => (restarted.swarm.writes.update === 1 ? true : undefined));
      await restarted.waitForCondition('alpha', 'Ready');
      const labels = (await restarted.services()).get(`${k.namespace}_alpha`)?.Spec.Labels ?? {};
      expect(labels['io.kargo.rolled-back']).toBeUndefined();
    } finally {
      await restarted.stop();
    }
  });
});
