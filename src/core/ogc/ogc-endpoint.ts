import { presetOf } from '../manifest/engine-presets.js';
import type { GeoServiceSpec } from '../manifest/geoservice.generated.js';
import { parseDuration } from '../manifest/units.js';
import type { OgcCheck } from './ogc-check.js';

/** Kargo's own probe runs this often when `ogc.interval` does not say. */
export const defaultOgcIntervalMs = 30_000;

/** A GeoService's `spec.ogc` made whole: what to check, where in the container, and where Kargo probes from. */
export interface OgcEndpoint {
  readonly check: OgcCheck;
  /** Path and fixed query of the endpoint in the container, e.g. `/cgi-bin/mapserv`. */
  readonly path: string;
  /** The container port the endpoint listens on. */
  readonly port: number;
  /** Where Kargo probes from outside, when the manifest names it (`ogc.url`). */
  readonly url?: string;
  readonly intervalMs: number;
}

/** The OGC endpoint of a spec, undefined without `spec.ogc`. */
export function ogcEndpointOf(spec: GeoServiceSpec): OgcEndpoint | undefined {
  const ogc = spec.ogc;
  if (ogc === undefined) return undefined;
  const preset = presetOf(spec);
  const [minX = -180, minY = -90, maxX = 180, maxY = 90] = ogc.bbox ?? [];
  const check: OgcCheck = {
    service: ogc.service,
    layers: ogc.layers ?? [],
    ...(ogc.version === undefined ? {} : { version: ogc.version }),
    ...(ogc.bbox === undefined ? {} : { bbox: [minX, minY, maxX, maxY] }),
  };
  const intervalNs = ogc.interval === undefined ? undefined : parseDuration(ogc.interval);
  return {
    check,
    path: ogc.path ?? preset.ogcPath ?? '/',
    port: spec.healthCheck?.port ?? preset.port ?? spec.ports?.[0]?.target ?? 80,
    ...(ogc.url === undefined ? {} : { url: ogc.url }),
    intervalMs: intervalNs === undefined ? defaultOgcIntervalMs : Math.max(1000, Math.round(intervalNs / 1e6)),
  };
}

/** `http://host:port` + the endpoint's path: the base URL the OGC requests are made on. */
export function endpointUrl(origin: string, endpoint: Pick<OgcEndpoint, 'path'>): string {
  return `${origin.replace(/\/$/, '')}${endpoint.path}`;
}
