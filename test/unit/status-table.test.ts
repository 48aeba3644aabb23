import { describe, expect, it } from 'vitest';
import { formatStatusTable } from '../../src/cli/commands/status.js';
import type { Condition, ObjectStatus } from '../../src/core/status/object-status.js';
import { paint } from '../../src/cli/terminal-style.js';

const at = '2026-12-04T12:00:00Z';
const condition = (type: Condition['type'], status: Condition['status'], reason = 'Converged', message = ''): Condition => ({ type, status, reason, message, lastTransitionTime: at });
const ready = [condition('Ready', 'True'), condition('Reconciling', 'False'), condition('Stalled', 'False')];
const geoService = (name: string, conditions: Condition[]): ObjectStatus => ({
  key: `geo/${name}`, kind: 'GeoService', namespace: 'geo', name, serviceName: `geo_${name}`, conditions, runningTasks: 1, desiredTasks: 1, observedRevision: 'abcdef1234567',
});

describe('kargo status table', () => {
  it('shows each GeoService\'s Available condition, "-" where it is not checked, and why a Ready one is not Available', () => {
    const table = formatStatusTable({
      revision: 'abcdef1234567',
      ready: true,
      items: [
        geoService('postgis', ready),
        geoService('mapserver', [...ready, condition('Available', 'True', 'OgcChecksPassed', 'GetMap: image/png, 1385 bytes')]),
        geoService('mapcache', [...ready, condition('Available', 'False', 'LayerMissing', 'layer osm missing from WMTS GetCapabilities')]),
      ],
      manifestErrors: [],
      ignored: [],
    }, new Date('2026-12-04T12:05:00Z'), paint(false));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^KIND\s+NAMESPACE\s+NAME\s+READY\s+AVAILABLE\s+REPLICAS/);
    expect(lines[1]).toMatch(/postgis\s+True\s+-\s+1\/1/);
    expect(lines[2]).toMatch(/mapserver\s+True\s+True\s+1\/1\s+abcdef1234567\s+5m$/);
    expect(lines[3]).toMatch(/mapcache\s+True\s+False\s+1\/1.*not Available, LayerMissing: layer osm missing from WMTS GetCapabilities$/);
  });
});
