/**
 * Builds the geo images' root filesystems into the image cache (no engine needed), so that the
 * integration tests only import them: `npx tsx test/support/programs/build-geo-images.ts [name…]`.
 */
import { buildGeoImageCache, defaultImageCacheDir, geoImageNames, type GeoImageName } from '../../../src/sandbox/geo-images.js';

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(geoImageNames as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown image ${unknown.join(', ')}: choose from ${geoImageNames.join(', ')}`);
  process.exit(2);
}
const which = asked.length > 0 ? (asked as GeoImageName[]) : [...geoImageNames];
const started = Date.now();
await buildGeoImageCache(which, { say: (line) => console.log(`[geo images] ${line}`) });
console.log(`[geo images] ${which.join(', ')} cached in ${defaultImageCacheDir()} (${((Date.now() - started) / 1000).toFixed(0)}s)`);
