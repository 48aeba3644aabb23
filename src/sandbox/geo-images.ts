import { createReadStream } from 'node:fs';
import type Docker from 'dockerode';
import { elapsed } from './build-step.js';
import { defaultImageCacheDir, ensureImageTarball } from './geo-image-builder.js';
import { geoImageRecipes, imageTag, type GeoImageName } from './geo-image-recipes.js';
import { importTar } from './local-images.js';

export { geoImageNames, geoImageRecipes, type GeoImageName } from './geo-image-recipes.js';
export { defaultImageCacheDir } from './geo-image-builder.js';

/** One image made ready on an engine, and how. */
export interface GeoImage {
  readonly name: GeoImageName;
  /** `kargo-geo/<name>:<hash of the recipe>`: the image to give a service. */
  readonly tag: string;
  /** `engine`: it was there already; `cache`: imported from a cached tarball; `built`: built now. */
  readonly source: 'engine' | 'cache' | 'built';
  readonly seconds: number;
}

export interface GeoImagesOptions {
  /** Where root filesystem tarballs are cached (default: `defaultImageCacheDir()`). */
  readonly cacheDir?: string;
  /** Progress lines for a person watching. */
  readonly say?: (line: string) => void;
}

/**
 * Makes the images `which` names exist on the engine, building only what is missing: an image the
 * engine has is kept, one whose tarball is cached is imported (seconds), anything else is built
 * from Debian packages on a debootstrap base (cached too), one at a time (the machines have two cores).
 * No registry is used: the images are made with `docker import` and exist on this engine only.
 */
export async function ensureGeoImages<N extends GeoImageName>(
  docker: Docker,
  which: readonly N[],
  options: GeoImagesOptions = {},
): Promise<Record<N, GeoImage>> {
  const say = options.say ?? (() => undefined);
  const cacheDir = options.cacheDir ?? defaultImageCacheDir();
  const ready = new Map<N, GeoImage>();
  for (const name of which) {
    if (ready.has(name)) continue;
    const started = Date.now();
    const recipe = geoImageRecipes[name];
    const tag = imageTag(recipe, process.version);
    let source: GeoImage['source'] = 'engine';
    if (!(await engineHas(docker, tag))) {
      const built = await ensureImageTarball(recipe, cacheDir, say);
      say(`${name}: importing into the engine as ${tag}`);
      await importTar(docker, createReadStream(built.tarball), { name: tag, changes: recipe.changes });
      source = built.builtNow ? 'built' : 'cache';
    }
    const image: GeoImage = { name, tag, source, seconds: (Date.now() - started) / 1000 };
    say(`${name}: ${tag} ready (${source === 'engine' ? 'already on the engine' : source === 'cache' ? 'from the cache' : 'built'}, ${elapsed(started)})`);
    ready.set(name, image);
  }
  return Object.fromEntries(ready) as Record<N, GeoImage>;
}

/**
 * Fills the cache with the images `which` names, without an engine: a later `ensureGeoImages`
 * only imports them. CI runs this before the tests, so the build does not compete for the two
 * cores with tests that run meanwhile.
 */
export async function buildGeoImageCache(which: readonly GeoImageName[], options: GeoImagesOptions = {}): Promise<void> {
  const say = options.say ?? (() => undefined);
  const cacheDir = options.cacheDir ?? defaultImageCacheDir();
  for (const name of which) {
    const started = Date.now();
    const { builtNow } = await ensureImageTarball(geoImageRecipes[name], cacheDir, say);
    say(`${name}: ${builtNow ? 'built' : 'already cached'} in ${cacheDir} (${elapsed(started)})`);
  }
}

async function engineHas(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}
