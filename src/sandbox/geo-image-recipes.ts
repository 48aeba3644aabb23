import { createHash } from 'node:crypto';
import {
  cgiServerScript,
  cgiWrapperScript,
  krawlerEntrypoint,
  mapserverConfig,
  postgisEntrypoint,
  supervisorScript,
} from './geo-image-scripts.js';

/** The geospatial servers the sandbox can build. */
export const geoImageNames = ['mapserver', 'postgis', 'mapcache', 'krawler'] as const;
export type GeoImageName = (typeof geoImageNames)[number];

/** A file written into an image's root filesystem. */
export interface RecipeFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/** An npm project installed (on the host, scripts off) into a directory of the image. */
export interface NpmProject {
  readonly directory: string;
  readonly packageJson: object;
  /** Stand-in packages for native dependencies that do not build on current Node.js: path → index.js. */
  readonly stubs: Readonly<Record<string, string>>;
}

/**
 * What an image is made of, on top of the shared Debian base. Everything in a recipe goes into its
 * hash, and the hash is the image's tag: a changed recipe is a new image, an unchanged one is reused.
 */
export interface GeoImageRecipe {
  readonly name: GeoImageName;
  /**
   * The version of the server the packages bring (Debian's, npm's): the image's stable tag,
   * `kargo-geo/<name>:<version>`, which manifests can name while recipes change. A name, not
   * content: it is kept in step with the packages by hand and is not part of the hash.
   */
  readonly version: string;
  readonly aptPackages: readonly string[];
  readonly files: readonly RecipeFile[];
  /** Shell run in the image's root after the packages are installed. */
  readonly setup: string;
  /** Copies this machine's Node.js into the image (Debian bookworm's is 18; Krawler needs ≥ 20). */
  readonly hostNode: boolean;
  readonly npm?: NpmProject;
  /**
   * `docker import -c` instructions. STOPSIGNAL and HEALTHCHECK cannot be given to an import: the
   * service sets them (see `serviceNeeds`).
   */
  readonly changes: readonly string[];
  /** What a service running this image must set itself, for the presets and the README. */
  readonly serviceNeeds: string;
}

/** The shared base: one debootstrap, reused by every image. */
export const baseRecipe = { suite: 'bookworm', variant: 'minbase' } as const;

/** Present while packages install only: no service starts in the chroot, DNS is the host's. */
export const buildOnlyFiles: readonly RecipeFile[] = [
  { path: '/usr/sbin/policy-rc.d', content: '#!/bin/sh\nexit 101\n', mode: 0o755 },
  { path: '/etc/resolv.conf', content: '', mode: 0o644 },
];

/** Kept in every image: no documentation (smaller, faster), no cluster made by the postgresql package. */
export const imageFiles: readonly RecipeFile[] = [
  {
    path: '/etc/dpkg/dpkg.cfg.d/kargo-nodoc',
    content: 'path-exclude=/usr/share/doc/*\npath-exclude=/usr/share/man/*\npath-exclude=/usr/share/info/*\n',
    mode: 0o644,
  },
  { path: '/etc/postgresql-common/createcluster.conf', content: 'create_main_cluster = false\n', mode: 0o644 },
];

/** What runs in the chroot: the recipe's packages and setup, then apt's lists and caches dropped. */
export function installScript(recipe: GeoImageRecipe): string {
  return [
    'set -e',
    'apt-get update -qq',
    `apt-get install -y -qq --no-install-recommends ${recipe.aptPackages.join(' ')}`,
    recipe.setup,
    'apt-get clean',
    'rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log',
  ].join('\n');
}

const supervisor: RecipeFile = { path: '/usr/local/bin/kargo-run', content: supervisorScript, mode: 0o755 };
const cgiServer: RecipeFile = { path: '/usr/local/bin/kargo-cgi-server', content: cgiServerScript, mode: 0o755 };
/** Debian's busybox installs no applet links; the preset HTTP probes call `wget`. */
const busyboxApplets = 'ln -sf /bin/busybox /usr/local/bin/wget';
const path = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * A CGI served by busybox httpd under /cgi-bin/<cgi>, behind the wrapper that gives it
 * SERVER_NAME and SERVER_PORT; `/` answers a page saying where the service is.
 */
function cgiImage(image: {
  name: GeoImageName;
  version: string;
  packages: readonly string[];
  cgi: string;
  index: string;
  files?: readonly RecipeFile[];
  setup: string;
  env: readonly string[];
  serviceNeeds: string;
}): GeoImageRecipe {
  return {
    name: image.name,
    version: image.version,
    aptPackages: [...image.packages, 'busybox', 'ca-certificates'],
    files: [
      supervisor,
      cgiServer,
      { path: `/www/cgi-bin/${image.cgi}`, content: cgiWrapperScript(`/usr/lib/cgi-bin/${image.cgi}`), mode: 0o755 },
      { path: '/www/index.html', content: image.index, mode: 0o644 },
      ...(image.files ?? []),
    ],
    setup: `${busyboxApplets}; ${image.setup}`,
    hostNode: false,
    changes: [`ENV ${path}`, ...image.env.map((variable) => `ENV ${variable}`), 'ENV PORT=80', 'EXPOSE 80', 'CMD ["/usr/local/bin/kargo-cgi-server"]'],
    serviceNeeds: image.serviceNeeds,
  };
}

const mapserver = cgiImage({
  name: 'mapserver',
  version: '8.0',
  packages: ['cgi-mapserver', 'mapserver-bin'],
  cgi: 'mapserv',
  index: 'MapServer: /cgi-bin/mapserv?SERVICE=WMS&REQUEST=GetCapabilities\n',
  files: [{ path: '/usr/local/etc/mapserver.conf', content: mapserverConfig, mode: 0o644 }],
  setup: 'mkdir -p /etc/mapserver',
  env: ['MAPSERVER_CONFIG_FILE=/usr/local/etc/mapserver.conf', 'MS_MAPFILE=/etc/mapserver/mapserver.map'],
  serviceNeeds: 'the mapfile at /etc/mapserver/mapserver.map (a config), or MS_MAPFILE naming another file under /etc/mapserver/',
});

const mapcache = cgiImage({
  name: 'mapcache',
  version: '1.14',
  packages: ['mapcache-cgi', 'mapcache-tools'],
  cgi: 'mapcache',
  index: 'MapCache: /cgi-bin/mapcache/wmts?SERVICE=WMTS&REQUEST=GetCapabilities\n',
  setup: 'mkdir -p /etc/mapcache /var/cache/mapcache && chmod 777 /var/cache/mapcache',
  env: ['MAPCACHE_CONFIG_FILE=/etc/mapcache/mapcache.xml'],
  serviceNeeds: 'the configuration at /etc/mapcache/mapcache.xml (a config): without it the preset\'s health check fails',
});

const postgis: GeoImageRecipe = {
  name: 'postgis',
  // PostgreSQL 15, PostGIS 3.3: the major versions a data directory and a dump depend on.
  version: '15-3.3',
  aptPackages: ['postgresql-15', 'postgresql-15-postgis-3'],
  files: [{ path: '/usr/local/bin/kargo-postgis', content: postgisEntrypoint, mode: 0o755 }],
  setup: 'mkdir -p /var/lib/postgresql/data /run/postgresql && chown -R postgres:postgres /var/lib/postgresql /run/postgresql',
  hostNode: false,
  changes: [
    `ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    'ENV PGDATA=/var/lib/postgresql/data',
    'EXPOSE 5432',
    'CMD ["/usr/local/bin/kargo-postgis"]',
  ],
  serviceNeeds: 'POSTGRES_PASSWORD_FILE naming a secret, a volume at /var/lib/postgresql/data; the preset\'s StopSignal SIGINT (fast shutdown; SIGTERM waits for every client); SQL run once on the first start from /docker-entrypoint-initdb.d/*.sql (configs)',
};

const krawler: GeoImageRecipe = {
  name: 'krawler',
  version: '1.0.1',
  aptPackages: ['ca-certificates'],
  files: [supervisor, { path: '/usr/local/bin/kargo-krawler', content: krawlerEntrypoint, mode: 0o755 }],
  setup: 'true',
  hostNode: true,
  npm: {
    directory: '/opt/krawler',
    // Krawler 1.0.1 on Node.js 20: proj4 newer than 2.6.0 throws on its EPSG table, pg 7's connect hangs.
    packageJson: {
      name: 'kargo-krawler',
      private: true,
      dependencies: { '@kalisio/krawler': '1.0.1', pg: '^8.11.0', proj4: '2.6.0', gdal: 'file:./stubs/gdal' },
      overrides: { proj4: '2.6.0', pg: '$pg', 'geo-pixel-stream': 'file:./stubs/geo-pixel-stream' },
    },
    // gdal and geo-pixel-stream are native and do not build on Node.js 20: Krawler's raster hooks are gone.
    stubs: {
      gdal: 'module.exports = {}; // stand-in: the native gdal binding does not build on Node.js 20\n',
      'geo-pixel-stream': 'module.exports = {}; // stand-in: needs the native gdal binding\n',
    },
  },
  changes: [
    `ENV ${path}`,
    'ENV NODE_PATH=/opt/krawler/node_modules',
    // Krawler 1.0.1 loads aws-sdk v2, which prints an end-of-support notice on every run.
    'ENV AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1',
    'WORKDIR /opt/krawler',
    'ENTRYPOINT ["/usr/local/bin/kargo-krawler"]',
  ],
  serviceNeeds: 'the job file at /opt/krawler/jobfile.js (a config; a CommonJS module); a GeoJob for a one-off run, or a GeoService with args [/opt/krawler/jobfile.js, --cron, <6 fields>, --run] (its /healthcheck on 3030 is the preset\'s probe)',
};

export const geoImageRecipes: Readonly<Record<GeoImageName, GeoImageRecipe>> = { mapserver, postgis, mapcache, krawler };

/** Twelve hex digits of a SHA-256 over what `parts` hold: the tag of a recipe's image. */
export function recipeHash(...parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12);
}

/** The base root filesystem's hash; the mirror is left out, any Debian mirror gives the same base. */
export const baseHash = (): string => recipeHash(baseRecipe);

/**
 * The image's hash: the base's, what every image gets, its recipe and install script, and the
 * Node.js copied in when it takes one. `serviceNeeds` and `version` are words about the image,
 * not part of it: editing them rebuilds nothing.
 */
export function imageHash(recipe: GeoImageRecipe, nodeVersion: string): string {
  const { serviceNeeds: _documentation, version: _version, ...image } = recipe;
  return recipeHash(baseHash(), buildOnlyFiles, imageFiles, installScript(recipe), image, recipe.hostNode ? nodeVersion : null);
}

/** `kargo-geo/<name>:<hash12>`. */
export const imageTag = (recipe: GeoImageRecipe, nodeVersion: string): string => `kargo-geo/${recipe.name}:${imageHash(recipe, nodeVersion)}`;

/** `kargo-geo/<name>:<version>`: always the image of the current recipe (see ensureGeoImages). */
export const stableImageTag = (recipe: GeoImageRecipe): string => `kargo-geo/${recipe.name}:${recipe.version}`;
