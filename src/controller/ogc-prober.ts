import type { Logger } from 'pino';
import type { OgcCheck } from '../core/ogc/ogc-check.js';
import { endpointUrl, type OgcEndpoint } from '../core/ogc/ogc-endpoint.js';
import { availableCondition, ogcProbeTargetOf, type Availability, type OgcProbeTarget } from '../core/ogc/ogc-availability.js';
import type { OgcProbeResult } from '../core/ogc/ogc-probe-result.js';
import type { Snapshot } from '../core/snapshot.js';
import { conditionOf, isReady, type ObjectStatus } from '../core/status/object-status.js';
import { describeError } from '../errors.js';
import type { StatusStore } from './status-store.js';

export interface OgcProberDeps {
  readonly statuses: StatusStore;
  readonly snapshot: () => Snapshot | undefined;
  /** Makes the OGC requests of a check on `baseUrl` (src/adapters/http/ogc-probe.ts). */
  readonly probe: (baseUrl: string, check: OgcCheck) => Promise<OgcProbeResult>;
  /** `http://host:port` at which Kargo reaches a port the swarm publishes (--ogc-host). */
  readonly reachPublishedPort: (port: number) => Promise<string>;
  /** A GeoService turned Available: what waits on it may go. */
  readonly turnedAvailable: (key: string) => void;
  /** Each probe made, for the metrics. */
  readonly probed?: (key: string, result: OgcProbeResult) => void;
  readonly logger: Logger;
  readonly clock?: () => number;
}

/** Probes running at once: a slow map server must not hold up the others. */
const maxConcurrentProbes = 4;
/** While a GeoService is not Available it is probed this often at least, so dependents go soon after it answers. */
const unavailableIntervalMs = 5_000;
const tickMs = 1_000;

/**
 * Kargo's own OGC check of each GeoService with `spec.ogc`, from outside the task, for the
 * Available condition and the kargo_ogc_* metrics. Rollouts are gated by the same check inside
 * the task (Swarm's health check); this one is the client's view: the published port or the
 * public URL, parsed as a client parses it. A GeoService is probed once it has been Ready, at its
 * `ogc.interval`, and at once each time it turns Ready.
 */
export class OgcProber {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly nextDue = new Map<string, number>();
  private readonly wasReady = new Map<string, boolean>();
  private readonly running = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: OgcProberDeps) {
    this.now = deps.clock ?? Date.now;
  }

  /** Does nothing once stopped: a stop during the first sync comes before the start. */
  start(): void {
    if (this.stopped) return;
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Starts the probes that are due; exposed for tests, which drive it themselves. */
  tick(): void {
    const snapshot = this.deps.snapshot();
    if (snapshot === undefined) return;
    const checked = new Set<string>();
    for (const desired of snapshot.desired.values()) {
      const target = ogcProbeTargetOf(desired);
      const status = this.deps.statuses.get(desired.key);
      if (target === undefined || status?.serviceId === undefined) continue;
      checked.add(desired.key);
      if (target.kind === 'in-task') {
        this.recordInTask(desired.key, status);
        continue;
      }
      const ready = isReady(status);
      const wasReady = this.wasReady.get(desired.key);
      if (ready && wasReady !== true) this.nextDue.set(desired.key, 0);
      // Ready once at least: a service still starting is not probed (Available stays Unknown).
      this.wasReady.set(desired.key, ready || wasReady !== undefined);
      if (!ready && wasReady === undefined) continue;
      const due = this.now() >= (this.nextDue.get(desired.key) ?? 0);
      if (!due || this.running.has(desired.key) || this.running.size >= maxConcurrentProbes) continue;
      void this.probe(desired.key, target);
    }
    for (const key of this.wasReady.keys()) if (!checked.has(key)) this.forget(key);
  }

  private forget(key: string): void {
    this.wasReady.delete(key);
    this.nextDue.delete(key);
  }

  /** No way to reach it from here: a task with a health check runs only once the check passed, so running tasks are passing ones. */
  private recordInTask(key: string, status: ObjectStatus): void {
    const availability = { kind: 'in-task' as const, runningTasks: status.runningTasks ?? 0, desiredTasks: status.desiredTasks ?? 0 };
    const available = conditionOf(status, 'Available');
    const expected = availableCondition(availability, available, '');
    if (available?.reason === expected.reason && available.message === expected.message) return;
    this.record(key, availability);
  }

  private async probe(key: string, target: Exclude<OgcProbeTarget, { kind: 'in-task' }>): Promise<void> {
    this.running.add(key);
    const interval = target.endpoint.intervalMs;
    try {
      const url = target.kind === 'url' ? target.url : endpointUrl(await this.deps.reachPublishedPort(target.publishedPort), target.endpoint);
      const result = await this.deps.probe(url, target.endpoint.check);
      // Stopped, or spec.ogc changed, while the probe ran: its answer speaks for nothing any more.
      if (this.stopped || !sameEndpoint(this.deps.snapshot()?.desired.get(key)?.ogc, target.endpoint)) return;
      this.deps.probed?.(key, result);
      const status = this.record(key, { kind: 'probed', url, result });
      const available = status !== undefined && conditionOf(status, 'Available')?.status === 'True';
      this.nextDue.set(key, this.now() + (available ? interval : Math.min(interval, unavailableIntervalMs)));
    } catch (error) {
      if (this.stopped) return;
      // Reaching the port failed before any request (a forwarder, a name): try again soon.
      this.deps.logger.warn({ key, err: describeError(error) }, `OGC probe of ${key} could not start`);
      this.nextDue.set(key, this.now() + Math.min(interval, unavailableIntervalMs));
    } finally {
      this.running.delete(key);
    }
  }

  private record(key: string, availability: Availability): ObjectStatus | undefined {
    const before = this.deps.statuses.get(key);
    const after = this.deps.statuses.recordAvailability(key, availability);
    const was = before === undefined ? undefined : conditionOf(before, 'Available');
    const now = after === undefined ? undefined : conditionOf(after, 'Available');
    if (now !== undefined && now.status !== was?.status) {
      const level = now.status === 'True' ? 'info' : 'warn';
      this.deps.logger[level]({ key, reason: now.reason, available: now.status }, `${key} ${now.status === 'True' ? 'is Available' : 'is not Available'}: ${now.message}`);
      if (now.status === 'True') this.deps.turnedAvailable(key);
    }
    return after;
  }
}

function sameEndpoint(current: OgcEndpoint | undefined, probed: OgcEndpoint): boolean {
  return current !== undefined && JSON.stringify(current) === JSON.stringify(probed);
}
