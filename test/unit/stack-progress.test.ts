import { describe, expect, it } from 'vitest';
import { sizedGetMap, stackProgress, type StackItem } from '../../src/core/stack/stack-progress.js';
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

describe('sizedGetMap', () => {
  it('keeps the bounding box\'s proportions at the width asked for', () => {
    const url = sizedGetMap('http://127.0.0.1:8081/cgi-bin/mapserv?SERVICE=WMS&REQUEST=GetMap&CRS=CRS%3A84&BBOX=-5,41,10,51&WIDTH=256&HEIGHT=128&FORMAT=image%2Fpng', 600);
    const params = new URL(url).searchParams;
    expect([params.get('WIDTH'), params.get('HEIGHT'), params.get('BBOX')]).toEqual(['600', '400', '-5,41,10,51']);
  });

  it('falls back to 2:1 when the box cannot be read', () => {
    const params = new URL(sizedGetMap('http://h/wms?REQUEST=GetMap&width=256&height=128', 512)).searchParams;
    expect([params.get('WIDTH'), params.get('HEIGHT'), params.has('width')]).toEqual(['512', '256', false]);
  });
});
