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
}

/**
 * The presets, documented in the README. Health checks use each image's usual readiness
 * endpoint; start periods leave JVM and database servers time to boot.
 */
export const enginePresets: Readonly<Record<EngineName, EnginePreset>> = {
  generic: {},
  geoserver: {
    port: 8080,
    dataPath: '/opt/geoserver/data_dir',
    healthCheck: { httpPath: '/geoserver/web/', interval: '30s', timeout: '10s', retries: 3, startPeriod: '2m' },
  },
  mapserver: {
    port: 80,
    dataPath: '/etc/mapserver',
    healthCheck: { httpPath: '/', interval: '30s', timeout: '5s', retries: 3, startPeriod: '10s' },
  },
  mapcache: {
    port: 80,
    dataPath: '/var/cache/mapcache',
    healthCheck: { httpPath: '/mapcache/', interval: '30s', timeout: '5s', retries: 3, startPeriod: '10s' },
  },
  'tileserver-gl': {
    port: 8080,
    dataPath: '/data',
    healthCheck: { httpPath: '/health', interval: '30s', timeout: '5s', retries: 3, startPeriod: '30s' },
  },
  postgis: {
    port: 5432,
    dataPath: '/var/lib/postgresql/data',
    healthCheck: {
      command: 'pg_isready -U "${POSTGRES_USER:-postgres}"',
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
    healthCheck: { httpPath: '/healthcheck', interval: '30s', timeout: '10s', retries: 3, startPeriod: '30s' },
  },
};

/** The preset of a spec (`generic` when it names none). */
export function presetOf(spec: Pick<GeoServiceSpec, 'engine'>): EnginePreset {
  return enginePresets[spec.engine ?? 'generic'];
}
