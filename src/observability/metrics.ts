import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SourceRead } from '../adapters/files/manifest-source.js';
import type { ControllerObserver } from '../controller/controller.js';
import type { WorkQueue, WorkQueueObserver } from '../controller/work-queue.js';
import { conditionOf, type ObjectStatus } from '../core/status/object-status.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-outcome.js';
import type { StatusReader } from '../controller/status-store.js';
import { kindOfKey, parseKey } from '../core/object-key.js';
import { JobMetrics } from './job-metrics.js';
import { OgcMetrics } from './ogc-metrics.js';
import type { OgcProbeResult } from '../core/ogc/ogc-probe-result.js';

/** The controller name in controller-runtime's metrics. */
export const controllerName = 'geoservice';

/** The `controller` label of each kind's reconciles, as controller-runtime has one controller per kind (the work queue is shared: its name stays "geoservice"). */
const reconcilers = ['geoservice', 'network', 'geojob'] as const;

function reconcilerOf(key: string): (typeof reconcilers)[number] {
  const kind = kindOfKey(key);
  return kind === 'Network' ? 'network' : kind === 'GeoJob' ? 'geojob' : 'geoservice';
}

const reconcileResults = ['success', 'error', 'requeue', 'requeue_after'] as const;
const rolloutResults = ['completed', 'rolled_back', 'paused'] as const;
const conditionTypes = ['Ready', 'Reconciling', 'Stalled'] as const;
const conditionStatuses = ['True', 'False', 'Unknown'] as const;
/** Buckets for reconcile and queue times: 1 ms to ~1 min. */
const secondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Kargo's Prometheus metrics, on a registry of their own (passed to the HTTP server, never
 * global). Names follow controller-runtime's so existing dashboards work; Kargo's own start with
 * `kargo_`. Every label set that is known up front starts at 0.
 */
export class KargoMetrics {
  readonly registry = new Registry();
  private readonly reconcileTotal: Counter<'controller' | 'result'>;
  private readonly reconcileErrors: Counter<'controller'>;
  private readonly reconcileTime: Histogram<'controller'>;
  private readonly queueDepth: Gauge<'name'>;
  private readonly queueAdds: Counter<'name'>;
  private readonly queueRetries: Counter<'name'>;
  private readonly queueDuration: Histogram<'name'>;
  private readonly workDuration: Histogram<'name'>;
  private readonly driftCorrections: Counter<'namespace' | 'name'>;
  private readonly rollouts: Counter<'result'>;
  private readonly dockerRequests: Counter<'operation' | 'code'>;
  private readonly manifestErrors: Gauge;
  private readonly sourceRevision: Gauge<'revision'>;
  private readonly lastSync: Gauge;
  private readonly jobs: JobMetrics;
  private readonly ogc: OgcMetrics;
  private queue: WorkQueue | undefined;
  private statuses: StatusReader | undefined;

  /** With Node.js's own metrics (CPU, memory, event loop lag) too. */
  constructor(version: string) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const queueName = { name: controllerName };
    this.reconcileTotal = new Counter({ name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller', labelNames: ['controller', 'result'], registers });
    for (const controller of reconcilers) for (const result of reconcileResults) this.reconcileTotal.inc({ controller, result }, 0);
    this.reconcileErrors = new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller', labelNames: ['controller'], registers });
    for (const controller of reconcilers) this.reconcileErrors.inc({ controller }, 0);
    this.reconcileTime = new Histogram({ name: 'controller_runtime_reconcile_time_seconds', help: 'Length of time per reconciliation per controller', labelNames: ['controller'], buckets: secondsBuckets, registers });
    for (const controller of reconcilers) this.reconcileTime.zero({ controller });
    this.queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers });
    this.queueDepth.set(queueName, 0);
    this.queueAdds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers });
    this.queueAdds.inc(queueName, 0);
    this.queueRetries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers });
    this.queueRetries.inc(queueName, 0);
    this.queueDuration = new Histogram({ name: 'workqueue_queue_duration_seconds', help: 'How long in seconds an item stays in workqueue before being requested', labelNames: ['name'], buckets: secondsBuckets, registers });
    this.queueDuration.zero(queueName);
    this.workDuration = new Histogram({ name: 'workqueue_work_duration_seconds', help: 'How long in seconds processing an item from workqueue takes', labelNames: ['name'], buckets: secondsBuckets, registers });
    this.workDuration.zero(queueName);
    const longestRunning = (): number => this.queue?.longestRunningSeconds() ?? 0;
    new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running',
      labelNames: ['name'],
      registers,
      collect() {
        this.set(queueName, longestRunning());
      },
    });
    // Read from the controller's statuses at each scrape: a status changes on every reconcile,
    // and 11 labelled gauge writes per reconcile cost more than one pass per scrape.
    const statuses = (): Iterable<ObjectStatus> => this.statuses?.values() ?? [];
    new Gauge({
      name: 'kargo_geoservice_condition',
      help: 'Condition of a GeoService: 1 for its current status, 0 for the others',
      labelNames: ['namespace', 'name', 'type', 'status'],
      registers,
      collect() {
        this.reset();
        setConditionSeries(statuses(), ({ kind, namespace, name }) => (kind === 'GeoService' ? { namespace, name } : undefined), (labels, value) => this.set(labels, value));
      },
    });
    new Gauge({
      name: 'kargo_object_condition',
      help: 'Condition of every object Kargo manages, by kind (GeoService, Network, GeoJob): 1 for its current status, 0 for the others',
      labelNames: ['kind', 'namespace', 'name', 'type', 'status'],
      registers,
      collect() {
        this.reset();
        setConditionSeries(statuses(), ({ kind, namespace, name }) => ({ kind, namespace, name }), (labels, value) => this.set(labels, value));
      },
    });
    new Gauge({
      name: 'kargo_geoservice_replicas',
      help: 'Tasks of a GeoService\'s Swarm service, running and desired',
      labelNames: ['namespace', 'name', 'state'],
      registers,
      collect() {
        this.reset();
        for (const { kind, namespace, name, runningTasks, desiredTasks } of statuses()) {
          if (kind !== 'GeoService') continue;
          this.set({ namespace, name, state: 'running' }, runningTasks ?? 0);
          this.set({ namespace, name, state: 'desired' }, desiredTasks ?? 0);
        }
      },
    });
    this.driftCorrections = new Counter({ name: 'kargo_drift_corrections_total', help: 'Out-of-band changes to a GeoService\'s service that Kargo reverted', labelNames: ['namespace', 'name'], registers });
    this.rollouts = new Counter({ name: 'kargo_rollouts_total', help: 'Rolling updates Swarm finished, by result', labelNames: ['result'], registers });
    for (const result of rolloutResults) this.rollouts.inc({ result }, 0);
    this.dockerRequests = new Counter({ name: 'kargo_docker_api_requests_total', help: 'Requests to the Docker Engine API, by operation and HTTP status code ("error" when no answer)', labelNames: ['operation', 'code'], registers });
    this.manifestErrors = new Gauge({ name: 'kargo_manifest_errors', help: 'Problems in the manifests as last read', registers });
    this.sourceRevision = new Gauge({ name: 'kargo_source_revision_info', help: 'The source revision last read (value always 1)', labelNames: ['revision'], registers });
    this.lastSync = new Gauge({ name: 'kargo_last_sync_timestamp_seconds', help: 'Unix time of the last finished full sync', registers });
    this.jobs = new JobMetrics(this.registry, statuses);
    this.ogc = new OgcMetrics(this.registry, statuses);
    const buildInfo = new Gauge({ name: 'kargo_build_info', help: 'Kargo\'s version (value always 1)', labelNames: ['version'], registers });
    buildInfo.set({ version }, 1);
  }

  /** Hooks for the work queue and the controller. */
  controllerObserver(): ControllerObserver {
    const name = { name: controllerName };
    const queue: WorkQueueObserver = {
      added: () => this.queueAdds.inc(name),
      depthChanged: (depth) => this.queueDepth.set(name, depth),
      retried: () => this.queueRetries.inc(name),
      started: (_key, waited) => this.queueDuration.observe(name, waited),
      finished: (_key, worked) => this.workDuration.observe(name, worked),
    };
    return {
      queue,
      reconciled: (outcome, seconds) => this.reconciled(outcome, seconds),
      failed: (key, _error, seconds) => {
        const controller = reconcilerOf(key);
        this.reconcileTotal.inc({ controller, result: 'error' });
        this.reconcileErrors.inc({ controller });
        this.reconcileTime.observe({ controller }, seconds);
      },
      statusChanged: (status, previous) => this.statusChanged(status, previous),
      statusRemoved: (key) => this.statusRemoved(key),
    };
  }

  /** The queue whose longest running item, and the statuses whose conditions and tasks, are reported on each scrape. */
  watchController(controller: { readonly workQueue: WorkQueue; readonly statuses: StatusReader }): void {
    this.queue = controller.workQueue;
    this.statuses = controller.statuses;
  }

  dockerRequest(operation: string, code: string): void {
    this.dockerRequests.inc({ operation, code });
  }

  sourceRead(read: SourceRead): void {
    this.manifestErrors.set(read.set.problems.length);
    this.sourceRevision.reset();
    this.sourceRevision.set({ revision: read.revision }, 1);
  }

  probed(key: string, result: OgcProbeResult): void {
    this.ogc.probed(key, result);
  }

  synced(at: Date): void {
    this.lastSync.set(at.getTime() / 1000);
  }

  private reconciled(outcome: ReconcileOutcome, seconds: number): void {
    const result = outcome.requeue.kind === 'on-change' ? 'success' : 'requeue_after';
    const controller = reconcilerOf(outcome.key);
    this.reconcileTotal.inc({ controller, result });
    this.reconcileTime.observe({ controller }, seconds);
    this.jobs.reconciled(outcome);
    if (!outcome.driftCorrected) return;
    const { namespace, name } = parseKey(outcome.key);
    this.driftCorrections.inc({ namespace, name });
  }

  private statusChanged(status: ObjectStatus, previous: ObjectStatus | undefined): void {
    if (previous !== undefined && conditionOf(previous, 'Available') !== undefined && conditionOf(status, 'Available') === undefined) this.ogc.forget(status.key);
    if (previous === undefined) {
      this.jobs.statusAdded(status);
      if (status.kind !== 'GeoService') return;
      this.driftCorrections.inc({ namespace: status.namespace, name: status.name }, 0);
      return;
    }
    const before = previous.updateStatus?.state;
    const after = status.updateStatus?.state;
    if (before === after) return;
    if (after === 'completed') this.rollouts.inc({ result: 'completed' });
    else if (after === 'rollback_completed') this.rollouts.inc({ result: 'rolled_back' });
    else if (after === 'paused') this.rollouts.inc({ result: 'paused' });
  }

  private statusRemoved(key: string): void {
    this.jobs.statusRemoved(key);
    this.ogc.forget(key);
    const { kind, namespace, name } = parseKey(key);
    if (kind === 'GeoService') this.driftCorrections.remove({ namespace, name });
  }
}

/**
 * One series per condition type and status of each object `identify` names (1 for its current
 * status, 0 for the others), so that an alert on `== 1` sees every state change.
 */
function setConditionSeries(statuses: Iterable<ObjectStatus>, identify: (status: ObjectStatus) => Record<string, string> | undefined, set: (labels: Record<string, string>, value: number) => void): void {
  for (const status of statuses) {
    const identity = identify(status);
    if (identity === undefined) continue;
    const types = conditionOf(status, 'Available') === undefined ? conditionTypes : [...conditionTypes, 'Available' as const];
    for (const type of types) {
      const current = status.conditions.find((condition) => condition.type === type)?.status ?? 'Unknown';
      for (const value of conditionStatuses) set({ ...identity, type, status: value }, value === current ? 1 : 0);
    }
  }
}
