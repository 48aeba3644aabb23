import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { secretOpeningOf } from '../../src/adapters/files/age-identities.js';
import { createManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import { exampleAgeIdentityFile } from '../../src/demo/examples.js';

const examplesDir = fileURLToPath(new URL('../../examples', import.meta.url));
const exampleFiles = readdirSync(examplesDir).filter((name) => /\.ya?ml$/.test(name)).sort();
const load = createManifestLoader({ secrets: secretOpeningOf(exampleAgeIdentityFile, 'refuse') });

describe('the examples', () => {
  it('are the files this test knows', () => {
    expect(exampleFiles).toEqual(['geo-network.yaml', 'geoserver-postgis.yaml', 'krawler-job.yaml', 'mapcache-wmts.yaml', 'mapserver-wms.yaml', 'tileserver-gl.yaml', 'weacast-api.yaml']);
  });

  // Read with the others: geoserver-postgis.yaml joins the Network that geo-network.yaml declares.
  it.each(exampleFiles)('%s loads without a problem', async (name) => {
    const set = await load([examplesDir]);
    const file = join(examplesDir, name);
    expect(set.problems.filter((problem) => problem.file === file)).toEqual([]);
    expect(set.ignored.filter((document) => document.file === file)).toEqual([]);
    expect([...set.manifests, ...set.networks, ...set.jobs].filter((manifest) => manifest.source.file === file).length).toBeGreaterThan(0);
  });

  it('define exactly these GeoServices, Networks and GeoJobs, without a clash between files', async () => {
    const set = await load([examplesDir]);
    expect(set.problems).toEqual([]);
    expect(set.manifests.map((manifest) => manifest.key).sort()).toEqual([
      'geo/geoserver',
      'geo/mapcache',
      'geo/mapserver',
      'geo/postgis',
      'tiles/tileserver',
      'weacast/weacast-api',
    ]);
    expect(set.networks.map((network) => network.key)).toEqual(['Network/geo/backend']);
    expect(set.jobs.map((job) => job.key)).toEqual(['GeoJob/geo/cities-loader']);
  });
});
