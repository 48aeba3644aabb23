/** RolloutMemory: a spec Swarm rolled back is refused until the manifest moves on, and only until then. */
import { describe, expect, it } from 'vitest';
import { RolloutMemory } from '../../src/reconcile/rollout-memory.js';

function rolledBack(hash: string): RolloutMemory {
  const memory = new RolloutMemory();
  memory.recordApplied('geo/web', hash);
  memory.recordFailed('geo/web', hash);
  memory.recordRollbackReason('geo/web', 'task exited with code 1');
  return memory;
}

describe('RolloutMemory', () => {
  it('remembers a spec Swarm rolled back', () => {
    expect(rolledBack('v2').hasFailed('geo/web', 'v2')).toBe(true);
  });

  it('does not count another spec as failed', () => {
    expect(rolledBack('v2').hasFailed('geo/web', 'v3')).toBe(false);
  });

  it('forgets the failure once another spec is sent, so going back to the failed one is tried again', () => {
    const memory = rolledBack('v2');
    memory.recordApplied('geo/web', 'v3');
    expect([memory.hasFailed('geo/web', 'v2'), memory.rollbackReason('geo/web')]).toEqual([false, undefined]);
  });

  it('keeps the failure of other keys when one key sends a new spec', () => {
    const memory = rolledBack('v2');
    memory.recordApplied('geo/other', 'v3');
    expect(memory.hasFailed('geo/web', 'v2')).toBe(true);
  });

  it('forgets everything about a key that is deleted', () => {
    const memory = rolledBack('v2');
    memory.forget('geo/web');
    expect([memory.hasFailed('geo/web', 'v2'), memory.appliedHash('geo/web'), memory.rollbackReason('geo/web')]).toEqual([false, undefined, undefined]);
  });
});

describe('RolloutMemory after a restart', () => {
  it('recalls the failure the engine remembers (the io.kargo.rolled-back label)', () => {
    const memory = new RolloutMemory();
    memory.recall('geo/web', 'v2');
    expect([memory.hasFailed('geo/web', 'v2'), memory.hasFailed('geo/web', 'v3')]).toEqual([true, false]);
  });

  it('lets a newer send win over the label, which the sent spec no longer carries', () => {
    const memory = new RolloutMemory();
    memory.recordApplied('geo/web', 'v3');
    memory.recall('geo/web', 'v2');
    expect(memory.hasFailed('geo/web', 'v2')).toBe(false);
  });

  it('recalls nothing from a service without the label', () => {
    const memory = new RolloutMemory();
    memory.recall('geo/web', undefined);
    expect(memory.hasFailed('geo/web', undefined)).toBe(false);
  });
});
