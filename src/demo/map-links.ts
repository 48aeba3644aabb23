import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { probeOgc } from '../adapters/http/ogc-probe.js';
import { ogcProbeTargetOf } from '../core/ogc/ogc-availability.js';
import { endpointUrl } from '../core/ogc/ogc-endpoint.js';
import { sizedGetMap, type OgcService } from '../core/ogc/ogc-check.js';
import { judgeImage } from '../core/ogc/ogc-verdict.js';
import type { Snapshot } from '../core/snapshot.js';

/** The width of the map the demo saves and prints: the OGC checks' own 256 px is a thumbnail. */
const mapWidth = 768;

/** What one OGC server of the stack answers at, from this machine. */
export interface StackLink {
  readonly key: string;
  readonly service: OgcService;
  readonly capabilities: string;
  /** A request that returns data: GetMap (a PNG of the layers checked), GetTile, GetFeature. */
  readonly sample?: { readonly kind: string; readonly url: string };
}

/**
 * The links of every GeoService with `spec.ogc` and a published port, each checked as a client
 * would (probeOgc: GetCapabilities parsed, then the sample request), so that what the demo prints
 * answers. Throws, saying which check failed, when one does not.
 */
export async function stackLinks(snapshot: Pick<Snapshot, 'desired'>, origin: (port: number) => Promise<string>): Promise<StackLink[]> {
  const links: StackLink[] = [];
  for (const desired of snapshot.desired.values()) {
    const target = ogcProbeTargetOf(desired);
    if (target?.kind !== 'published') continue;
    const base = endpointUrl(await origin(target.publishedPort), target.endpoint);
    const result = await probeOgc(base, target.endpoint.check);
    if (!result.verdict.ok) throw new Error(`${desired.key} does not answer its ${target.endpoint.check.service} checks yet: ${result.verdict.message}`);
    const [capabilities, sample] = result.steps;
    if (capabilities === undefined) continue;
    const sampleUrl = sample?.request.kind === 'GetMap' ? sizedGetMap(sample.request.url, mapWidth) : sample?.request.url;
    links.push({
      key: desired.key,
      service: target.endpoint.check.service,
      capabilities: capabilities.request.url,
      ...(sample === undefined || sampleUrl === undefined ? {} : { sample: { kind: sample.request.kind, url: sampleUrl } }),
    });
  }
  // Dependencies first (WMS, then the WMTS tiling it), as a person reads them.
  const order: readonly OgcService[] = ['WMS', 'WFS', 'WCS', 'WMTS'];
  return links.sort((a, b) => order.indexOf(a.service) - order.indexOf(b.service));
}

/**
 * `stackLinks`, tried again for a while when a check fails: Kargo's last probe said Available, but
 * one failed request (a task being replaced, a slow first GetMap) must not end the demo. Undefined,
 * with the last failure said, when they never all answer, or when `stopped` says so first.
 */
export async function stackLinksWhenAnswering(
  snapshot: Pick<Snapshot, 'desired'>,
  origin: (port: number) => Promise<string>,
  options: { readonly stopped: () => boolean; readonly say: (line: string) => void; readonly timeoutMs?: number },
): Promise<StackLink[] | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await stackLinks(snapshot, origin);
    } catch (error) {
      if (options.stopped()) return undefined;
      if (Date.now() >= deadline) {
        options.say(`${error instanceof Error ? error.message : String(error)}: no links to print (Kargo keeps running; see kargo status)`);
        return undefined;
      }
      await sleep(1000);
    }
  }
}

/** Fetches a GetMap and writes the PNG to `file` whole (a viewer never sees half a file); throws when the answer is no PNG. */
export async function saveMap(url: string, file: string): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  const body = Buffer.from(await response.arrayBuffer());
  const verdict = judgeImage('GetMap', { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body });
  if (!verdict.ok) throw new Error(`the map at ${url} is not a PNG: ${verdict.message}`);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  writeFileSync(partial, body);
  renameSync(partial, file);
  return body.length;
}
