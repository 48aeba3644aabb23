/**
 * OGC checks, the pure half: which requests tell whether a map server really serves its layers,
 * and (in ogc-verdict.ts) what their answers mean. The HTTP is done by an adapter
 * (src/adapters/http/ogc-probe.ts); nothing here does I/O.
 */

/** The OGC web services Kargo can check. */
export type OgcService = 'WMS' | 'WFS' | 'WCS' | 'WMTS';

/** What to check on one server. */
export interface OgcCheck {
  readonly service: OgcService;
  /** The layers (WMS), feature types (WFS), coverages (WCS) or tile layers (WMTS) that must be offered. */
  readonly layers: readonly string[];
  /** The protocol version asked for and expected back (default: `defaultVersions`). */
  readonly version?: string;
  /**
   * WMS GetMap area in CRS:84 (longitude/latitude order, whatever the version), default the world.
   * CRS:84 rather than EPSG:4326 because WMS 1.3.0 swaps EPSG:4326's axes and servers disagree on it.
   */
  readonly bbox?: readonly [number, number, number, number];
}

export const defaultVersions: Readonly<Record<OgcService, string>> = {
  WMS: '1.3.0',
  WFS: '2.0.0',
  WCS: '2.0.1',
  WMTS: '1.0.0',
};

/** The request kinds a check makes. */
export type OgcRequestKind = 'GetCapabilities' | 'GetMap' | 'GetTile' | 'GetFeature';

export interface OgcRequest {
  readonly kind: OgcRequestKind;
  readonly url: string;
}

/** The parts of a capabilities document the sample request is made from. */
export interface CapabilitiesSummary {
  readonly service: OgcService;
  readonly version: string;
  /** Every layer name offered (WMS: named layers at any depth). */
  readonly layers: readonly string[];
  /** WMTS only: per layer, its tile matrix sets, formats and default style. */
  readonly tileLayers: readonly TileLayer[];
  /** WMTS only: each tile matrix set's first (coarsest) tile matrix. */
  readonly firstTileMatrix: Readonly<Record<string, string>>;
}

export interface TileLayer {
  readonly identifier: string;
  readonly tileMatrixSets: readonly string[];
  readonly formats: readonly string[];
  readonly style: string;
}

/** The root element each service and version answers GetCapabilities with. */
export function capabilitiesRoot(service: OgcService, version: string): string {
  switch (service) {
    case 'WMS':
      return version.startsWith('1.3') ? 'WMS_Capabilities' : 'WMT_MS_Capabilities';
    case 'WFS':
      return 'WFS_Capabilities';
    case 'WCS':
      return version.startsWith('1.0') ? 'WCS_Capabilities' : 'Capabilities';
    case 'WMTS':
      return 'Capabilities';
  }
}

export const versionOf = (check: OgcCheck): string => check.version ?? defaultVersions[check.service];

/** `baseUrl` with `params` added to its query (its own parameters kept, ours replacing the same keys). */
export function withQuery(baseUrl: string, params: Readonly<Record<string, string>>): string {
  const url = new URL(baseUrl);
  const ours = new Set(Object.keys(params).map((key) => key.toUpperCase()));
  for (const key of [...url.searchParams.keys()]) if (ours.has(key.toUpperCase())) url.searchParams.delete(key);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** The GetCapabilities request of a check. */
export function capabilitiesRequest(baseUrl: string, check: OgcCheck): OgcRequest {
  return {
    kind: 'GetCapabilities',
    url: withQuery(baseUrl, { SERVICE: check.service, REQUEST: 'GetCapabilities', ...versionParam(check) }),
  };
}

function versionParam(check: OgcCheck): Record<string, string> {
  // WFS 2 and WCS 2 negotiate with AcceptVersions; VERSION is still understood by every server seen.
  return { VERSION: versionOf(check) };
}

/**
 * The small request that shows the server draws or returns data, made from the capabilities
 * (WMTS needs the tile matrix set they name). Undefined for WCS, whose GetCoverage needs a
 * coverage's own axes: for WCS the capabilities are the whole check.
 */
export function sampleRequest(baseUrl: string, check: OgcCheck, capabilities: CapabilitiesSummary): OgcRequest | undefined {
  const version = versionOf(check);
  const layers = check.layers.length > 0 ? check.layers : capabilities.layers.slice(0, 1);
  if (layers.length === 0) return undefined;
  switch (check.service) {
    case 'WMS': {
      const [minX, minY, maxX, maxY] = check.bbox ?? [-180, -90, 180, 90];
      const crsKey = version.startsWith('1.3') ? 'CRS' : 'SRS';
      const params = {
        SERVICE: 'WMS', VERSION: version, REQUEST: 'GetMap', LAYERS: layers.join(','), STYLES: '',
        [crsKey]: crsKey === 'CRS' ? 'CRS:84' : 'EPSG:4326', BBOX: [minX, minY, maxX, maxY].join(','),
        WIDTH: '256', HEIGHT: '128', FORMAT: 'image/png',
      };
      return { kind: 'GetMap', url: withQuery(baseUrl, params) };
    }
    case 'WFS': {
      const v2 = version.startsWith('2');
      const params = {
        SERVICE: 'WFS', VERSION: version, REQUEST: 'GetFeature',
        [v2 ? 'TYPENAMES' : 'TYPENAME']: layers[0] ?? '', [v2 ? 'COUNT' : 'MAXFEATURES']: '1',
      };
      return { kind: 'GetFeature', url: withQuery(baseUrl, params) };
    }
    case 'WMTS':
      return tileRequest(baseUrl, version, layers[0] ?? '', capabilities);
    case 'WCS':
      return undefined;
  }
}

function tileRequest(baseUrl: string, version: string, layer: string, capabilities: CapabilitiesSummary): OgcRequest | undefined {
  const tileLayer = capabilities.tileLayers.find((candidate) => candidate.identifier === layer);
  const matrixSet = tileLayer?.tileMatrixSets.find((set) => capabilities.firstTileMatrix[set] !== undefined);
  if (tileLayer === undefined || matrixSet === undefined) return undefined;
  const format = tileLayer.formats.find((candidate) => candidate === 'image/png') ?? tileLayer.formats[0] ?? 'image/png';
  const params = {
    SERVICE: 'WMTS', VERSION: version, REQUEST: 'GetTile', LAYER: layer, STYLE: tileLayer.style,
    TILEMATRIXSET: matrixSet, TILEMATRIX: capabilities.firstTileMatrix[matrixSet] ?? '0', TILEROW: '0', TILECOL: '0', FORMAT: format,
  };
  return { kind: 'GetTile', url: withQuery(baseUrl, params) };
}

/**
 * A GetMap URL drawing its BBOX (CRS:84 or EPSG:4326 in longitude, latitude order, as the OGC
 * checks ask) `width` pixels wide, the height keeping the box's proportions: the checks' own
 * 256×128 is too small to look at.
 */
export function sizedGetMap(getMapUrl: string, width: number): string {
  const params = new URL(getMapUrl).searchParams;
  const bboxKey = [...params.keys()].find((key) => key.toUpperCase() === 'BBOX');
  const box = (bboxKey === undefined ? '' : (params.get(bboxKey) ?? '')).split(',').map(Number);
  const [minX = 0, minY = 0, maxX = 0, maxY = 0] = box;
  const ratio = box.length === 4 && box.every(Number.isFinite) && maxX > minX && maxY > minY ? (maxY - minY) / (maxX - minX) : 0.5;
  return withQuery(getMapUrl, { WIDTH: String(width), HEIGHT: String(Math.max(1, Math.round(width * ratio))) });
}
