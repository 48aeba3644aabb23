import type Docker from 'dockerode';
import { ensureGeoImages, geoImageNames, type GeoImage, type GeoImageName } from '../sandbox/geo-images.js';
import { removeImagesOtherThan } from '../sandbox/kept-image-store.js';

/**
 * Makes the geo images ready on the demo's engine: on a kept image store they are there already
 * (a second run), else imported from the tarball cache (seconds each), else built (minutes, the
 * first time on a machine). Says what it did and how long it took.
 */
export async function prepareGeoImages(
  docker: Docker,
  cacheDir: string,
  say: (line: string) => void,
): Promise<Record<GeoImageName, GeoImage>> {
  const started = Date.now();
  const images = await ensureGeoImages(docker, [...geoImageNames], { cacheDir, say });
  const how = Object.values<GeoImage>(images).map((image) => image.source);
  const summary = how.every((source) => source === 'engine')
    ? 'all on the engine already (kept from an earlier run)'
    : `${String(how.filter((source) => source === 'built').length)} built, ${String(how.filter((source) => source === 'cache').length)} imported from ${cacheDir}, ${String(how.filter((source) => source === 'engine').length)} on the engine already`;
  say(`geo images ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${summary}`);
  const removed = await removeImagesOtherThan(docker, 'kargo-geo/', Object.values<GeoImage>(images).map((image) => image.tag));
  if (removed.length > 0) say(`removed images of earlier recipes: ${removed.join(', ')}`);
  return images;
}
