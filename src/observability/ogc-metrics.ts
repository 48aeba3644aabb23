import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { parseKey } from '../core/object-key.js';
import type { OgcProbeResult } from '../core/ogc/ogc-probe-result.js';
import { conditionOf, type ObjectStatus } from '../core/status/object-status.js';

/** Probe times: 5 ms to 10 s (the probe's own timeout per request). */
const probeBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The OGC metrics of GeoServices with `spec.ogc`: whether each answers (from the Available
 * condition, read at each scrape), and Kargo's probes by result and latency.
 */
export class OgcMetrics {
  private readonly probes: Counter<'namespace' | 'name' | 'reason'>;
  private readonly durations: Histogram<'namespace' | 'name' | 'request'>;
  /** The reasons and requests each GeoService has series for, to remove them all with it. */
  private readonly seen = new Map<string, { reasons: Set<string>; requests: Set<string> }>();

  constructor(registry: Registry, statuses: () => Iterable<ObjectStatus>) {
    const registers = [registry];
    this.probes = new Counter({ name: 'kargo_ogc_probes_total', help: 'OGC probes Kargo made of a GeoService, by reason (Ok, or why it failed: LayerMissing, NotAnImage, Unreachable, …)', labelNames: ['namespace', 'name', 'reason'], registers });
    this.durations = new Histogram({ name: 'kargo_ogc_probe_duration_seconds', help: 'Latency of each OGC request of Kargo\'s probes (GetCapabilities, GetMap, GetTile, GetFeature) and of the whole probe (request="probe")', labelNames: ['namespace', 'name', 'request'], buckets: probeBuckets, registers });
    new Gauge({
      name: 'kargo_ogc_available',
      help: 'Whether a GeoService with spec.ogc answers its OGC requests (its Available condition): 1 True, 0 False; absent until first probed',
      labelNames: ['namespace', 'name'],
      registers,
      collect() {
        this.reset();
        for (const status of statuses()) {
          const available = status.kind === 'GeoService' ? conditionOf(status, 'Available') : undefined;
          // Unknown (not probed yet, e.g. waiting for a dependency) is no failure: no series.
          if (available !== undefined && available.status !== 'Unknown') this.set({ namespace: status.namespace, name: status.name }, available.status === 'True' ? 1 : 0);
        }
      },
    });
  }

  probed(key: string, result: OgcProbeResult): void {
    const { namespace, name } = parseKey(key);
    const seen = this.seen.get(key) ?? { reasons: new Set<string>(), requests: new Set<string>() };
    this.seen.set(key, seen);
    seen.reasons.add(result.verdict.reason);
    this.probes.inc({ namespace, name, reason: result.verdict.reason });
    for (const [request, latencyMs] of [['probe', result.latencyMs] as const, ...result.steps.map((step) => [step.request.kind, step.latencyMs] as const)]) {
      seen.requests.add(request);
      this.durations.observe({ namespace, name, request }, latencyMs / 1000);
    }
  }

  /** A GeoService gone, or no longer checked: its series go with it. */
  forget(key: string): void {
    const seen = this.seen.get(key);
    if (seen === undefined) return;
    this.seen.delete(key);
    const { namespace, name } = parseKey(key);
    for (const reason of seen.reasons) this.probes.remove({ namespace, name, reason });
    for (const request of seen.requests) this.durations.remove({ namespace, name, request });
  }
}
