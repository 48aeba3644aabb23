import { describe, expect, it } from 'vitest';
import { formatJobRows } from '../../src/cli/commands/status-jobs.js';
import { runPathOf } from '../../src/adapters/http/write-endpoints.js';
import { jobKeyOfRunName } from '../../src/controller/sync-keys.js';
import { runKargo } from '../support/cli.js';
import type { ObjectStatus } from '../../src/core/status/object-status.js';

const now = new Date('2026-01-01T12:00:00Z');
const job: ObjectStatus = {
  key: 'GeoJob/geo/feed', kind: 'GeoJob', namespace: 'geo', name: 'feed', serviceName: 'geo_feed', conditions: [],
  job: {
    lastScheduleTime: '2026-01-01T11:59:00Z',
    lastSuccessful: { name: 'geo_feed-s20260101115800', slot: '2026-01-01T11:58:00.000Z', result: 'succeeded', startedAt: '2026-01-01T11:58:00Z', finishedAt: '2026-01-01T11:58:04Z', durationSeconds: 4, exitCode: 0 },
    lastFailed: { name: 'geo_feed-s20260101115900', slot: '2026-01-01T11:59:00.000Z', result: 'failed', startedAt: '2026-01-01T11:59:00Z', finishedAt: '2026-01-01T11:59:02Z', durationSeconds: 2, exitCode: 3, error: 'task: non-zero exit (3)' },
    active: [],
    nextScheduleTime: '2026-01-01T12:01:00Z',
    suspended: false,
  },
};

describe('kargo status: the jobs', () => {
  it('shows each GeoJob\'s last slot, last success and failure with exit code, active run and next slot', () => {
    const rows = formatJobRows([job], now);
    expect(rows[1]).toMatch(/^JOB\s+LAST SCHEDULE\s+LAST SUCCESS\s+LAST FAILURE\s+ACTIVE\s+NEXT$/);
    expect(rows[2]).toMatch(/^geo\/feed\s+60s ago\s+116s ago \(4\.0s, exit 0\)\s+58s ago \(2\.0s, exit 3\)\s+-\s+in 60s$/);
    expect(formatJobRows([{ ...job, kind: 'GeoService', key: 'geo/feed' }], now)).toEqual([]);
  });
});

describe('the run endpoint and run names', () => {
  it.each([
    ['/api/v1/geojobs/geo/feed/run', { namespace: 'geo', name: 'feed' }],
    ['/api/v1/geojobs/geo/feed', undefined],
    ['/api/v1/geoservices/geo/feed/run', undefined],
  ])('%s → %j', (path, expected) => {
    expect(runPathOf(path)).toEqual(expected);
  });

  it.each([
    ['geo_feed-s20260101115800', 'GeoJob/geo/feed'],
    ['geo_feed-m00019b7a3c1d20', 'GeoJob/geo/feed'],
    ['geo_my-job-h0123456789abcd', 'GeoJob/geo/my-job'],
    ['geo_feed', undefined],
    ['geo_feed-20260101115800', undefined],
  ])('a service event of %s queues %s', (name, key) => {
    expect(jobKeyOfRunName(name)).toBe(key);
  });

  it('kargo job run refuses anything but "run NAMESPACE/NAME", and needs the token', async () => {
    expect((await runKargo(['job', 'start', 'geo/feed'])).code).toBe(2);
    expect((await runKargo(['job', 'run', 'feed'])).code).toBe(2);
    expect((await runKargo(['job', 'run', 'geo/feed'])).stderr).toMatch(/--token-file/);
  });
});
