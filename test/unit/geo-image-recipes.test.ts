/** The geo images' tags: a hash of what goes into each image, and nothing else. */
import { describe, expect, it } from 'vitest';
import { defaultImageCacheDir } from '../../src/sandbox/geo-image-builder.js';
import { geoImageNames, geoImageRecipes, imageHash, imageTag } from '../../src/sandbox/geo-image-recipes.js';

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
