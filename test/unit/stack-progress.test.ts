import { describe, expect, it } from 'vitest';
import { stackProgress, type StackItem } from '../../src/core/stack/stack-progress.js';
import type { Condition, ObjectStatus } from '../../src/core/status/object-status.js';

const condition = (type: Condition['type'], status: Condition['status'], message = ''): Condition => ({ type, status, reason: 'R', message, lastTransitionTime: '2026-01-01T00:00:00Z' });
const service = (key: string, conditions: Condition[]): ObjectStatus => ({ key, kind: 'GeoService', namespace: 'geo', name: key.split('/')[1] ?? '', serviceName: key.replace('/', '_'), conditions });
const job = (key: string, part: Partial<NonNullable<ObjectStatus['job']>>): ObjectStatus => ({
  key, kind: 'GeoJob', namespace: 'geo', name: 'loader', serviceName: 'geo_loader', conditions: [condition('Ready', 'True')],
  job: { active: [], suspended: false, ...part },
});
const run = { name: 'geo_loader-m1', slot: 'm1', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:02Z', durationSeconds: 2 };

describe('stack progress', () => {
  const items: StackItem[] = [
    { key: 'geo/postgis', kind: 'GeoService' },
    { key: 'geo/mapserver', kind: 'GeoService', checksOgc: true },
    { key: 'GeoJob/geo/loader', kind: 'GeoJob' },
  ];

  it('is done when every GeoService is Ready, Available where probed, and every GeoJob succeeded once', () => {
    const statuses = new Map([
      ['geo/postgis', service('geo/postgis', [condition('Ready', 'True')])],
      ['geo/mapserver', service('geo/mapserver', [condition('Ready', 'True'), condition('Available', 'True')])],
      ['GeoJob/geo/loader', job('GeoJob/geo/loader', { lastSuccessful: { ...run, result: 'succeeded', exitCode: 0 } })],
    ]);
    expect(stackProgress(items, (key) => statuses.get(key)).every((item) => item.done)).toBe(true);
  });

  it('says what each item waits for, in the status\'s words', () => {
    const statuses = new Map([
      ['geo/postgis', service('geo/postgis', [condition('Ready', 'False', '0 of 1 tasks running')])],
      ['geo/mapserver', service('geo/mapserver', [condition('Ready', 'True'), condition('Available', 'False', 'layer cities missing from WMS GetCapabilities')])],
      ['GeoJob/geo/loader', job('GeoJob/geo/loader', { lastFailed: { ...run, result: 'failed', exitCode: 3, error: 'task: non-zero exit (3)' } })],
    ]);
    expect(stackProgress(items, (key) => statuses.get(key))).toEqual([
      { key: 'geo/postgis', done: false, waitingFor: 'Ready: 0 of 1 tasks running' },
      { key: 'geo/mapserver', done: false, waitingFor: 'Available: layer cities missing from WMS GetCapabilities' },
      { key: 'GeoJob/geo/loader', done: false, waitingFor: 'the last run failed: task: non-zero exit (3)' },
    ]);
    expect(stackProgress(items, () => undefined).map((item) => item.waitingFor)).toEqual(['not reconciled yet', 'not reconciled yet', 'not reconciled yet']);
  });

  it('counts a GeoService without spec.ogc done once Ready, whatever Available says', () => {
    const statuses = new Map([['geo/postgis', service('geo/postgis', [condition('Ready', 'True'), condition('Available', 'False')])]]);
    expect(stackProgress([items[0] as StackItem], (key) => statuses.get(key))).toEqual([{ key: 'geo/postgis', done: true }]);
  });
});
