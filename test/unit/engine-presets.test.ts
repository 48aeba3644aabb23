/** What the engine presets say about each server beyond rendering: where its OGC endpoint is. */
import { describe, expect, it } from 'vitest';
import { enginePresets, presetOf } from '../../src/core/manifest/engine-presets.js';

describe('engine presets', () => {
  it('name the OGC endpoint of the servers that have one, as the sandbox images and upstream serve it', () => {
    const ogcPaths = Object.fromEntries(Object.entries(enginePresets).flatMap(([engine, preset]) => (preset.ogcPath === undefined ? [] : [[engine, preset.ogcPath]])));
    expect(ogcPaths).toEqual({ geoserver: '/geoserver/ows', mapserver: '/cgi-bin/mapserv', mapcache: '/cgi-bin/mapcache/wmts' });
  });

  it('probe MapCache on the OGC endpoint they name, and stop only PostGIS with a signal of its own', () => {
    expect(presetOf({ engine: 'mapcache' }).healthCheck?.httpPath?.startsWith(`${presetOf({ engine: 'mapcache' }).ogcPath ?? '?'}?`)).toBe(true);
    expect(Object.entries(enginePresets).flatMap(([engine, preset]) => (preset.stopSignal === undefined ? [] : [[engine, preset.stopSignal]]))).toEqual([['postgis', 'SIGINT']]);
    expect(presetOf({})).toEqual({});
  });
});
