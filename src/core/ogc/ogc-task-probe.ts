import { capabilitiesRequest, capabilitiesRoot, sampleRequest, versionOf, type CapabilitiesSummary, type OgcCheck } from './ogc-check.js';
import { endpointUrl, type OgcEndpoint } from './ogc-endpoint.js';

/** What the in-task check prints before a failure, so that Kargo can tell it from other output. */
export const taskProbeMarker = 'OGC:';

/**
 * The OGC check as the task's own health check (`CMD-SHELL`), so that Swarm's update monitor sees
 * a version whose OGC answers are broken as unhealthy and rolls it back, wherever Kargo runs and
 * even while it is down. Map server images hold a shell and wget or curl but no XML parser: this
 * checks the text of the answers (the capabilities' root element, which an exception report lacks,
 * and each expected layer's name,
 * then the sample request's PNG signature or feature collection). Kargo's own probe
 * (src/adapters/http/ogc-probe.ts) parses the XML; this is the gate, that is the verdict.
 * Its failure line says why, after `OGC:`, and Docker keeps it in the container's health log.
 */
export function ogcTaskProbe(endpoint: OgcEndpoint): string[] {
  const { check } = endpoint;
  const base = endpointUrl(`http://127.0.0.1:${String(endpoint.port)}`, endpoint);
  const capabilities = capabilitiesRequest(base, check);
  const what = `${check.service} GetCapabilities`;
  const root = capabilitiesRoot(check.service, versionOf(check));
  const lines = [
    // wget (busybox, Debian) or curl, whichever the image has; the answer on stdout. Each request is
    // bounded here: on its timeout Docker kills only this shell, and a wget left hanging on a stuck
    // server would stay, one more each interval. Not wget -T: Debian's busybox wget crashes on it.
    `t=; command -v timeout >/dev/null 2>&1 && t='timeout 10'`,
    `get() { $t wget -q -O - "$1" 2>/dev/null || curl -fsS -m 10 "$1" 2>/dev/null; }`,
    `fail() { echo "${taskProbeMarker} $1"; exit 1; }`,
    `c=$(get ${quote(capabilities.url)}) || fail ${quote(`${what} failed (no HTTP 200 answer)`)}`,
    `case "$c" in *'<${root}'*|*':${root}'*) ;; *) fail ${quote(`${what} answered no <${root}> document`)} ;; esac`,
    ...check.layers.map((layer) => `case "$c" in ${layerPatterns(check, layer)}) ;; *) fail ${quote(`layer ${layer} missing from ${what}`)} ;; esac`),
    ...sampleLines(base, check),
  ];
  return ['CMD-SHELL', lines.join('\n')];
}

/** How each service names a layer in its capabilities (namespace prefixes vary by server). */
function layerPatterns(check: OgcCheck, layer: string): string {
  switch (check.service) {
    case 'WMS':
      return `*'<Name>${layer}</Name>'*`;
    case 'WFS':
      // Bare (<Name>cities</Name>, wfs:Name too) or with the server's prefix (ms:cities).
      return `*'Name>${layer}</'*|*':${layer}</Name>'*`;
    case 'WMTS':
      return `*'Identifier>${layer}</'*`;
    case 'WCS':
      return `*'CoverageId>${layer}</'*|*'Identifier>${layer}</'*|*'<name>${layer}</name>'*`;
  }
}

/** The sample request, when it can be made without reading the capabilities (WMS, WFS with layers named). */
function sampleLines(base: string, check: OgcCheck): string[] {
  if (check.layers.length === 0 || (check.service !== 'WMS' && check.service !== 'WFS')) return [];
  const noCapabilities: CapabilitiesSummary = { service: check.service, version: versionOf(check), layers: [], tileLayers: [], firstTileMatrix: {} };
  const sample = sampleRequest(base, check, noCapabilities);
  if (sample === undefined) return [];
  if (sample.kind === 'GetMap') {
    // A PNG starts with \x89PNG: an exception document or an empty answer does not.
    return [`get ${quote(sample.url)} | head -c 8 | grep -q PNG || fail ${quote('GetMap answered no PNG image')}`];
  }
  return [
    `f=$(get ${quote(sample.url)}) || fail ${quote('GetFeature failed (no HTTP 200 answer)')}`,
    `case "$f" in *FeatureCollection*) ;; *) fail ${quote('GetFeature answered no FeatureCollection')} ;; esac`,
  ];
}

/** Single-quoted for the shell. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
