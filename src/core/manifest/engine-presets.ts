import type { GeoServiceSpec, HealthCheckSpec } from './geoservice.generated.js';

/** An engine name as written in `spec.engine`. */
export type EngineName = NonNullable<GeoServiceSpec['engine']>;

/** The defaults an engine preset supplies; a manifest's own fields always win. */
export interface EnginePreset {
  /** The port the server listens on in the container: default of `ports[].target` and of the HTTP health check. */
  readonly port?: number;
  /** Where the server keeps its data: default of `volumes[].target`. */
  readonly dataPath?: string;
  /** The health check used when the manifest has none. */
  readonly healthCheck?: HealthCheckSpec;
  /** The signal that stops the server cleanly and quickly: default of `stopSignal` (Swarm's own default is the image's). */
  readonly stopSignal?: string;
  /** Path of the server's OGC (KVP) endpoint in the container, on `port`: default of `ogc.path`. */
  readonly ogcPath?: string;
}

/**
 * The presets, documented in the README. Each fits the sandbox's geo images
 * (src/sandbox/geo-image-recipes.ts: busybox httpd with CGIs under /cgi-bin/) and the upstream
 * images of the same server; start periods leave JVM and database servers time to boot.
 */
export const enginePresets: Readonly<Record<EngineName, EnginePreset>> = {
  generic: {},
  geoserver: {
    port: 8080,
    dataPath: '/opt/geoserver/data_dir',
    healthCheck: { httpPath: '/geoserver/web/', interval: '30s', timeout: '10s', retries: 3, startPeriod: '2m' },
    ogcPath: '/geoserver/ows',
  },
  mapserver: {
    port: 80,
    dataPath: '/etc/mapserver',
    // The mapserv CGI answers 200 even for a missing mapfile (the error is in the page), so no
    // HTTP path proves more than a live server: the OGC checks judge what it serves.
    healthCheck: { httpPath: '/', interval: '30s', timeout: '5s', retries: 3, startPeriod: '10s' },
    ogcPath: '/cgi-bin/mapserv',
  },
  mapcache: {
    port: 80,
    dataPath: '/var/cache/mapcache',
    // Fails while /etc/mapcache/mapcache.xml is missing or broken: the CGI then gives no answer.
    healthCheck: { httpPath: '/cgi-bin/mapcache/wmts?SERVICE=WMTS&REQUEST=GetCapabilities', interval: '30s', timeout: '5s', retries: 3, startPeriod: '10s' },
    ogcPath: '/cgi-bin/mapcache/wmts',
  },
  'tileserver-gl': {
    port: 8080,
    dataPath: '/data',
    // maptiler/tileserver-gl has neither wget nor curl (its build removes curl): Node.js asks
    // /health, as the image's own HEALTHCHECK (src/healthcheck.js) does.
    healthCheck: {
      command: `node -e "require('http').get('http://127.0.0.1:8080/health', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"`,
      interval: '30s',
      timeout: '5s',
      retries: 3,
      startPeriod: '30s',
    },
  },
  postgis: {
    port: 5432,
    dataPath: '/var/lib/postgresql/data',
    healthCheck: {
      // Over TCP, which entrypoints keep closed while they set the database up. On the socket, an
      // image with peer authentication (the sandbox's) logs a FATAL line for every probe: the
      // probe runs as root, not as POSTGRES_USER.
      command: 'pg_isready -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}"',
      interval: '10s',
      timeout: '5s',
      retries: 5,
      startPeriod: '30s',
    },
    // Fast shutdown: SIGTERM is PostgreSQL's smart shutdown, which waits for every client to disconnect.
    stopSignal: 'SIGINT',
  },
  krawler: {
    port: 3030,
    dataPath: '/opt/krawler/data',
    // A long-running Krawler (`--cron … --run`) serves /healthcheck on its port (500 after a failed
    // run). Node.js probes it: every Krawler image has it, the sandbox's has neither wget nor curl.
    healthCheck: {
      command: `node -e "require('http').get('http://127.0.0.1:3030/healthcheck', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"`,
      interval: '30s',
      timeout: '10s',
      retries: 3,
      startPeriod: '30s',
    },
  },
};

/** The preset of a spec (`generic` when it names none). */
export function presetOf(spec: Pick<GeoServiceSpec, 'engine'>): EnginePreset {
  return enginePresets[spec.engine ?? 'generic'];
}
