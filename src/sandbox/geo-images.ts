import { createReadStream } from 'node:fs';
import type Docker from 'dockerode';
import { elapsed } from './build-step.js';
import { defaultImageCacheDir, ensureImageTarball } from './geo-image-builder.js';
import { geoImageRecipes, imageTag, stableImageTag, type GeoImageName } from './geo-image-recipes.js';
import { importTar } from './local-images.js';

export { geoImageNames, geoImageRecipes, type GeoImageName } from './geo-image-recipes.js';
export { defaultImageCacheDir } from './geo-image-builder.js';

/** One image made ready on an engine, and how. */
export interface GeoImage {
  readonly name: GeoImageName;
  /** `kargo-geo/<name>:<hash of the recipe>`: exactly this recipe's image. */
  readonly tag: string;
  /** `kargo-geo/<name>:<server version>`, e.g. kargo-geo/postgis:15-3.3: the same image, by a name manifests can keep. */
  readonly stableTag: string;
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
 * Each also gets its stable tag, moved to the current recipe's image whenever it names another.
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
    const stableTag = stableImageTag(recipe);
    if (await pointTag(docker, stableTag, tag)) say(`${name}: ${stableTag} now names ${tag}`);
    const image: GeoImage = { name, tag, stableTag, source, seconds: (Date.now() - started) / 1000 };
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
  return (await imageIdOf(docker, tag)) !== undefined;
}

/**
 * Makes `alias` name the image `target` names; true when it had to (it was missing, or named
 * another image: an older recipe's, after the recipe changed). Compared by image ID, not by
 * whether `target` was just imported: an engine that kept the image may hold an old alias.
 */
async function pointTag(docker: Docker, alias: string, target: string): Promise<boolean> {
  const [aliased, wanted] = await Promise.all([imageIdOf(docker, alias), imageIdOf(docker, target)]);
  if (aliased !== undefined && aliased === wanted) return false;
  const colon = alias.lastIndexOf(':');
  await docker.getImage(target).tag({ repo: alias.slice(0, colon), tag: alias.slice(colon + 1) });
  return true;
}

async function imageIdOf(docker: Docker, name: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(name).inspect()).Id;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}
