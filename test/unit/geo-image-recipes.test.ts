/** The geo images' tags: a hash of what goes into each image, and nothing else; and a stable tag naming the server's version. */
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { defaultImageCacheDir } from '../../src/sandbox/geo-image-builder.js';
import { geoImageNames, geoImageRecipes, imageHash, imageTag, stableImageTag } from '../../src/sandbox/geo-image-recipes.js';
import { ensureGeoImages } from '../../src/sandbox/geo-images.js';

describe('geo image recipes', () => {
  it('tags each image kargo-geo/<name>:<12 hex digits of its recipe>', () => {
    for (const name of geoImageNames) expect(imageTag(geoImageRecipes[name], 'v20.20.2')).toMatch(new RegExp(`^kargo-geo/${name}:[0-9a-f]{12}$`));
    expect(new Set(geoImageNames.map((name) => imageHash(geoImageRecipes[name], 'v20.20.2'))).size).toBe(geoImageNames.length);
  });

  it('changes the tag when what goes into the image changes, not when its documentation does', () => {
    const { mapserver } = geoImageRecipes;
    const tag = imageHash(mapserver, 'v20.20.2');
    expect(imageHash({ ...mapserver, serviceNeeds: 'other words' }, 'v20.20.2')).toBe(tag);
    expect(imageHash({ ...mapserver, aptPackages: [...mapserver.aptPackages, 'gdal-bin'] }, 'v20.20.2')).not.toBe(tag);
    expect(imageHash({ ...mapserver, changes: [...mapserver.changes, 'ENV X=1'] }, 'v20.20.2')).not.toBe(tag);
  });

  it('ties only the image that copies this machine\'s Node.js to its version', () => {
    expect(imageHash(geoImageRecipes.krawler, 'v20.20.2')).not.toBe(imageHash(geoImageRecipes.krawler, 'v22.1.0'));
    expect(imageHash(geoImageRecipes.postgis, 'v20.20.2')).toBe(imageHash(geoImageRecipes.postgis, 'v22.1.0'));
  });

  it('caches in KARGO_IMAGE_CACHE, else under XDG_CACHE_HOME', () => {
    expect(defaultImageCacheDir({ KARGO_IMAGE_CACHE: '/srv/cache', XDG_CACHE_HOME: '/x' })).toBe('/srv/cache');
    expect(defaultImageCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/kargo-images');
    expect(defaultImageCacheDir({})).toMatch(/kargo-images$/);
  });
});

describe('stable image tags', () => {
  it('tag each image kargo-geo/<name>:<the server version it packages>, whatever the recipe hash', () => {
    expect(geoImageNames.map((name) => stableImageTag(geoImageRecipes[name]))).toEqual(['kargo-geo/mapserver:8.0', 'kargo-geo/postgis:15-3.3', 'kargo-geo/mapcache:1.14', 'kargo-geo/krawler:1.0.1']);
    const { krawler } = geoImageRecipes;
    expect(krawler.version).toBe((krawler.npm?.packageJson as { dependencies: Record<string, string> }).dependencies['@kalisio/krawler']);
    expect(imageHash({ ...krawler, version: '9.9.9' }, 'v20.20.2')).toBe(imageHash(krawler, 'v20.20.2'));
  });

  /** An engine that has every hash-tagged image already, and the stable tags `aliases` says. */
  function fakeEngine(aliases: Record<string, string>): { docker: Docker; images: Map<string, string>; tagged: string[] } {
    const images = new Map<string, string>(Object.entries(aliases));
    for (const name of geoImageNames) images.set(imageTag(geoImageRecipes[name], process.version), `sha256:${name}`);
    const tagged: string[] = [];
    const docker = {
      getImage: (name: string) => ({
        inspect: () => {
          const id = images.get(name);
          return id === undefined ? Promise.reject(Object.assign(new Error(`no such image: ${name}`), { statusCode: 404 })) : Promise.resolve({ Id: id });
        },
        tag: ({ repo, tag }: { repo: string; tag: string }) => {
          images.set(`${repo}:${tag}`, images.get(name) ?? '');
          tagged.push(`${repo}:${tag}`);
          return Promise.resolve();
        },
      }),
    } as unknown as Docker;
    return { docker, images, tagged };
  }

  it('are added when missing, moved off an older recipe\'s image, and left alone when right', async () => {
    const engine = fakeEngine({ 'kargo-geo/postgis:15-3.3': 'sha256:older-postgis', 'kargo-geo/mapcache:1.14': 'sha256:mapcache' });
    const ready = await ensureGeoImages(engine.docker, ['mapserver', 'postgis', 'mapcache']);
    expect(engine.tagged.sort()).toEqual(['kargo-geo/mapserver:8.0', 'kargo-geo/postgis:15-3.3']);
    expect(engine.images.get('kargo-geo/postgis:15-3.3')).toBe('sha256:postgis');
    expect(Object.values(ready).map((image) => [image.stableTag, image.tag, image.source])).toEqual([
      ['kargo-geo/mapserver:8.0', imageTag(geoImageRecipes.mapserver, process.version), 'engine'],
      ['kargo-geo/postgis:15-3.3', imageTag(geoImageRecipes.postgis, process.version), 'engine'],
      ['kargo-geo/mapcache:1.14', imageTag(geoImageRecipes.mapcache, process.version), 'engine'],
    ]);
  });
});
