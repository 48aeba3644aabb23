import { describe, expect, it } from 'vitest';
import { JobMemoryStore } from '../../src/reconcile/job-memory.js';
import type { RunResult } from '../../src/core/status/job-status.js';

const at = (seconds: number): Date => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
const result = (name: string, finishedSecond: number, outcome: 'succeeded' | 'failed' = 'succeeded'): RunResult => ({
  name, slot: at(finishedSecond - 1).toISOString(), result: outcome, startedAt: at(finishedSecond - 1).toISOString(), finishedAt: at(finishedSecond).toISOString(), durationSeconds: 1,
});

describe('JobMemoryStore', () => {
  it('reports each run once, and none that ended before this process first saw the job', () => {
    const store = new JobMemoryStore();
    const memory = store.recordOf('GeoJob/geo/j', at(10)).memory;
    const update = (results: RunResult[]): string[] => store.update('GeoJob/geo/j', at(20), { memory, requestServed: false, results }).map((run) => run.name);
    expect(update([result('old', 5), result('new', 12)])).toEqual(['new']);
    expect(update([result('old', 5), result('new', 12)])).toEqual([]);
    expect(update([result('new', 12), result('failed', 15, 'failed')])).toEqual(['failed']);
    const record = store.recordOf('GeoJob/geo/j', at(30));
    expect([record.lastSucceeded?.name, record.lastFailed?.name]).toEqual(['new', 'failed']);
  });

  it('keeps the first request to run now until one is served', () => {
    const store = new JobMemoryStore();
    store.request('GeoJob/geo/j', at(1));
    store.request('GeoJob/geo/j', at(2));
    expect(store.recordOf('GeoJob/geo/j', at(3)).requested).toEqual(at(1));
    store.update('GeoJob/geo/j', at(4), { memory: { firstSeen: at(1) }, requestServed: true, results: [] });
    expect(store.recordOf('GeoJob/geo/j', at(5)).requested).toBeUndefined();
  });
});
