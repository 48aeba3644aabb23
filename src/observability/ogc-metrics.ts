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
  private readonly seen = new Set<string>();

  constructor(registry: Registry, statuses: () => Iterable<ObjectStatus>) {
    const registers = [registry];
    this.probes = new Counter({ name: 'kargo_ogc_probes_total', help: 'OGC probes Kargo made of a GeoService, by reason (Ok, or why it failed: LayerMissing, NotAnImage, Unreachable, …)', labelNames: ['namespace', 'name', 'reason'], registers });
    this.durations = new Histogram({ name: 'kargo_ogc_probe_duration_seconds', help: 'Latency of each OGC request of Kargo\'s probes (GetCapabilities, GetMap, GetTile, GetFeature) and of the whole probe (request="probe")', labelNames: ['namespace', 'name', 'request'], buckets: probeBuckets, registers });
    new Gauge({
      name: 'kargo_ogc_available',
      help: 'Whether a GeoService with spec.ogc answers its OGC requests (its Available condition): 1 True, 0 False or not yet known',
      labelNames: ['namespace', 'name'],
      registers,
      collect() {
        this.reset();
        for (const status of statuses()) {
          const available = status.kind === 'GeoService' ? conditionOf(status, 'Available') : undefined;
          if (available !== undefined) this.set({ namespace: status.namespace, name: status.name }, available.status === 'True' ? 1 : 0);
        }
      },
    });
  }

  probed(key: string, result: OgcProbeResult): void {
    const { namespace, name } = parseKey(key);
    this.seen.add(key);
    this.probes.inc({ namespace, name, reason: result.verdict.reason });
    this.durations.observe({ namespace, name, request: 'probe' }, result.latencyMs / 1000);
    for (const step of result.steps) this.durations.observe({ namespace, name, request: step.request.kind }, step.latencyMs / 1000);
  }

  statusRemoved(key: string): void {
    if (!this.seen.delete(key)) return;
    const { namespace, name } = parseKey(key);
    this.probes.remove({ namespace, name });
    this.durations.remove({ namespace, name });
  }
}
