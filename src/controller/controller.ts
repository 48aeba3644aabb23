import type { Logger } from 'pino';
import { isManagedByKargo, ownershipLabels } from '../core/render/ownership.js';
import { changedKeys, type Snapshot } from '../core/snapshot.js';
import { StatusStore, type StatusObserver } from './status-store.js';
import { describeError } from '../errors.js';
import { NetworkNames } from '../reconcile/network-names.js';
import { liveServicesByKey } from '../reconcile/reconcile-geoservice.js';
import { reconcileKey } from '../reconcile/reconcile-key.js';
import { JobMemoryStore } from '../reconcile/job-memory.js';
import { jobKeyOfRunName, jobKeysOf, serviceKeysOf } from './sync-keys.js';
import { logOutcome } from './outcome-log.js';
import { listOwnedFileObjects, type OwnedFileObject } from '../reconcile/file-objects.js';
import type { ListedObjects } from '../reconcile/file-objects-of-key.js';
import type { ReconcileContext } from '../reconcile/reconcile-context.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-outcome.js';
import type { NetworkResource, Service } from '../core/swarm/engine-api.js';
import { RolloutMemory } from '../reconcile/rollout-memory.js';
import { WriteGuard } from '../reconcile/write-guard.js';
import type { SwarmPort } from '../reconcile/swarm-port.js';
import { networkOwnerKey } from '../core/diff/plan-networks.js';
import { kindOfKey } from '../core/object-key.js';
import { isReady } from '../core/status/object-status.js';
import { ExponentialBackoff } from './backoff.js';
import { WorkQueue, type WorkQueueObserver } from './work-queue.js';
import { inNamespaceScope } from '../core/namespace-scope.js';

export interface ControllerSettings {
  /** Keys reconciled at once. */
  readonly workers: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  readonly prune: boolean;
  readonly allowEmpty: boolean;
  /** The Swarm name of the service Kargo runs as, when known: never written nor removed. */
  readonly selfService?: string;
  /** Manage only these namespaces (all when undefined). */
  readonly namespaces?: ReadonlySet<string>;
  /** Retry failed reconciles with backoff (off for `run --once`, which reports them instead). */
  readonly retryFailures: boolean;
  /** Kargo probes spec.ogc (off for `run --once`): dependents then wait for Available too. */
  readonly ogcProbes?: boolean;
}

/** What the controller reports as it goes, for metrics; every hook is optional. */
export interface ControllerObserver extends StatusObserver {
  readonly queue?: WorkQueueObserver;
  reconciled?(outcome: ReconcileOutcome, seconds: number): void;
  failed?(key: string, error: unknown, seconds: number): void;
}

/** A full sync's listing of every service and of Kargo's networks, configs and secrets, and the keys touched while it was under way. */
export interface ServiceListing {
  readonly services: Promise<Service[]>;
  readonly networks: Promise<NetworkResource[]>;
  readonly files: Promise<OwnedFileObject[]>;
  /** Keys reconciled or changed from when the listing was asked for until the sync takes it: it may predate their state. */
  readonly touched: Set<string>;
}

/**
 * Rollouts and task starts are polled at growing intervals, from the first to the last: a quick
 * update (zero replicas, a small service) is seen done almost at once, a long rollout costs few
 * requests.
 */
const firstProgressPollMs = 100;
const maxProgressPollMs = 5000;

/**
 * The reconcile loop: a work queue of GeoService keys fed by source snapshots, Docker service
 * events and resyncs, drained by a bounded number of workers. The only place that turns
 * results and errors into retries; the reconciler itself never sees the queue.
 */
export class Controller {
  /** The one record of every object's status: metrics, the status API and run --once read it. */
  readonly statuses: StatusStore;
  private readonly queue: WorkQueue;
  private readonly failures: ExponentialBackoff;
  private readonly progress = new ExponentialBackoff(firstProgressPollMs, maxProgressPollMs);
  private readonly context: ReconcileContext;
  /** Networks no manifest wants that a service still uses; a change to a service may free them. */
  private readonly networksInUse = new Set<string>();
  /** Swarm service name → key, for events, which name services rather than GeoServices. */
  private readonly keysByName = new Map<string, string>();
  private readonly polling = new Set<string>();
  private readonly failing = new Set<string>();
  private readonly workers: Promise<void>[] = [];
  private snapshot: Snapshot | undefined;
  private reconcileCount = 0;
  /**
   * Live services per key from the last full sync's single listing, used once by the key's next
   * reconcile unless an event or a snapshot touched the key since (then it reads for itself).
   */
  private readonly listed = new Map<string, ListedObjects>();
  /**
   * One set per full-sync listing not yet taken by its sync: the keys reconciled or changed
   * meanwhile, whose state that listing may predate (they read their services for themselves instead).
   */
  private readonly touchedDuringListing = new Set<Set<string>>();
  /** Full syncs under way: each waits until every key it queued has been reconciled once. */
  private readonly syncs: { pending: Set<string>; done: () => void }[] = [];

  constructor(
    private readonly swarm: SwarmPort,
    private readonly logger: Logger,
    private readonly settings: ControllerSettings,
    private readonly observer: ControllerObserver = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.statuses = new StatusStore(observer, clock, settings.ogcProbes !== false);
    this.queue = new WorkQueue(observer.queue);
    this.failures = new ExponentialBackoff(settings.backoffBaseMs, settings.backoffCapMs);
    const now = (): number => clock().getTime();
    this.context = {
      swarm,
      networks: new NetworkNames(swarm),
      settings,
      rollouts: new RolloutMemory(),
      writes: new WriteGuard(now),
      removals: new WriteGuard(now, 12),
      statusOf: (key) => this.statuses.get(key),
      jobs: new JobMemoryStore(),
      clock,
    };
  }

  get currentSnapshot(): Snapshot | undefined {
    return this.snapshot;
  }

  /** Starts the workers. */
  start(): void {
    for (let i = 0; i < this.settings.workers; i++) this.workers.push(this.work());
  }

  /** Stops taking work and waits for the reconciles in flight to finish. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  /** Takes a new snapshot of the source and queues the keys it changes (the first one: see resync). */
  applySnapshot(next: Snapshot): string[] {
    const previous = this.snapshot;
    this.snapshot = next;
    for (const [key, desired] of next.desired) this.keysByName.set(desired.spec.Name, key);
    // Networks first: the queue hands keys out in order, and a service waits for the networks it joins.
    const changed = changedKeys(previous, next)
      .filter((key) => this.inScope(key))
      .sort((a, b) => Number(kindOfKey(a) !== 'Network') - Number(kindOfKey(b) !== 'Network'));
    // The first snapshot is queued by the first full sync, which lists the live services once for all keys.
    if (previous === undefined) return changed;
    for (const key of changed) {
      this.listed.delete(key);
      this.failures.forget(key);
      this.queue.cancelDelayed(key);
      this.queue.add(key);
    }
    this.statuses.markRevisionObserved(next.revision, new Set(changed));
    return changed;
  }

  /**
   * Queues every key there is: each desired GeoService and Network and each service and network
   * Kargo owns, in stages as Flux's ssa applies kinds: the wanted networks, then the GeoServices,
   * then the networks no manifest wants (their services are gone by then). Resolves once each
   * key has been reconciled at least once.
   */
  async resync(listing: ServiceListing = this.startListing()): Promise<void> {
    const { touched } = listing;
    let all: Service[];
    let networks: NetworkResource[];
    let files: OwnedFileObject[];
    try {
      [all, networks, files] = await Promise.all([listing.services, listing.networks, listing.files]);
    } finally {
      this.touchedDuringListing.delete(touched);
    }
    const found = serviceKeysOf(this.snapshot, all, files);
    for (const [name, key] of found.names) this.keysByName.set(name, key);
    const wantedNetworks = [...(this.snapshot?.networks.keys() ?? [])];
    const ownedNetworks = networks.filter((network) => isManagedByKargo(network.Labels ?? undefined)).map(networkOwnerKey);
    const services = found.keys.filter((key) => this.inScope(key));
    // GeoJobs go with the services: their runs join the same networks.
    const jobs = jobKeysOf(this.snapshot, all, files).filter((key) => this.inScope(key));
    for (const [key, listed] of [...liveServicesByKey(all, services), ...jobs.map((job): [string, Service[]] => [job, []])]) {
      // A reconcile in flight or done during the listing may have written since: not this listing's to tell.
      if (!touched.has(key) && !this.queue.isProcessing(key)) this.listed.set(key, { services: listed, files: files.filter((file) => file.owner === key) });
    }
    const stages = [wantedNetworks, [...services, ...jobs], ownedNetworks.filter((key) => !wantedNetworks.includes(key))];
    for (const stage of stages) await this.reconcileAll(stage.filter((key) => this.inScope(key)));
  }

  /** Queues `keys` and resolves once each has been reconciled at least once. */
  private async reconcileAll(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await new Promise<void>((resolve) => {
      this.syncs.push({ pending: new Set(keys), done: resolve });
      for (const key of keys) this.queue.add(key);
    });
  }

  /**
   * Lists every service (and the networks, if never listed) now, for a full sync that starts
   * later: `run --once` lists while the manifests are being read, so the engine answers meanwhile.
   */
  startListing(): ServiceListing {
    const touched = new Set<string>();
    this.touchedDuringListing.add(touched);
    const services = this.swarm.listServices({}, true);
    const networks = this.swarm.listNetworks({ label: [`${ownershipLabels.managedBy}=kargo`] });
    const files = listOwnedFileObjects(this.swarm);
    // Awaited by resync; until then a failure must not count as unhandled.
    for (const listing of [services, networks, files]) listing.catch(() => undefined);
    this.context.networks.prefetch();
    return { services, networks, files, touched };
  }

  /** A Docker service event: queue the GeoService owning that service, if any. */
  serviceChanged(serviceName: string | undefined): void {
    // A service that left a network may free one that waits to be removed.
    for (const network of this.networksInUse) this.queue.add(network);
    const key = serviceName === undefined ? undefined : (this.keysByName.get(serviceName) ?? jobKeyOfRunName(serviceName));
    if (key === undefined || !this.inScope(key)) return;
    this.touch(key);
    this.queue.add(key);
  }

  /** `key` turned Ready, or Available: what waits on it (spec.dependsOn) may go now. */
  dependencyReady(key: string): void {
    for (const dependent of this.snapshot?.dependents.get(key) ?? []) if (this.inScope(dependent)) this.queue.add(dependent);
  }

  /** Asks for a run of a GeoJob now (kargo job run); false when no such GeoJob is wanted. */
  requestRun(key: string): boolean {
    if (this.snapshot?.jobs.has(key) !== true || !this.inScope(key)) return false;
    this.context.jobs.request(key, this.context.clock());
    this.queue.add(key);
    return true;
  }

  /** Nothing queued, nothing in flight, no rollout being followed (failed keys waiting to retry do not count). */
  get settled(): boolean {
    return this.queue.depth === 0 && this.queue.inFlight === 0 && this.polling.size === 0;
  }

  /** Keys whose last reconcile failed. */
  get failingKeys(): ReadonlySet<string> {
    return this.failing;
  }

  get workQueue(): WorkQueue {
    return this.queue;
  }

  private inScope(key: string): boolean {
    return inNamespaceScope(key, this.settings.namespaces);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.process(key);
      } finally {
        this.touch(key);
        this.queue.done(key);
        this.markSynced(key);
      }
    }
  }

  /** The key's services may have changed: no listing taken before now speaks for it. */
  private touch(key: string): void {
    this.listed.delete(key);
    for (const touched of this.touchedDuringListing) touched.add(key);
  }

  private async process(key: string): Promise<void> {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return;
    const reconcileId = `r${(++this.reconcileCount).toString(36)}`;
    const started = performance.now();
    try {
      const listed = this.listed.get(key);
      this.listed.delete(key);
      // Listed before the reconcile: a service event while it runs queues it again (see serviceChanged).
      if (kindOfKey(key) === 'Network') this.networksInUse.add(key);
      const outcome = await reconcileKey(key, snapshot, this.context, listed);
      if (!waitsForServices(outcome)) this.networksInUse.delete(key);
      const seconds = (performance.now() - started) / 1000;
      this.failures.forget(key);
      this.failing.delete(key);
      this.observer.reconciled?.(outcome, seconds);
      logOutcome(this.logger, this.statuses, outcome, { reconcileId, revision: snapshot.revision, seconds });
      const wasReady = this.statuses.get(key);
      this.statuses.recordOutcome(outcome, snapshot);
      if (outcome.phase.kind === 'ready' && (wasReady === undefined || !isReady(wasReady))) this.dependencyReady(key);
      this.followProgress(key, outcome);
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      this.failing.add(key);
      this.polling.delete(key);
      this.observer.failed?.(key, error, seconds);
      const message = describeError(error);
      this.logger.error({ key, reconcileId, err: message, revision: snapshot.revision }, `reconcile of ${key} failed`);
      this.statuses.recordFailure(key, message);
      if (this.settings.retryFailures) this.queue.addAfter(key, this.failures.next(key), true);
    }
  }

  private followProgress(key: string, outcome: ReconcileOutcome): void {
    for (const dependency of outcome.waitingFor ?? []) if (this.inScope(dependency)) this.queue.add(dependency);
    if (outcome.requeue.kind !== 'soon') {
      this.polling.delete(key);
      this.progress.forget(key);
      // Not polled: run --once does not wait for it (a held write's backoff runs for minutes).
      if (outcome.requeue.kind === 'after') this.queue.addAfter(key, outcome.requeue.ms);
      return;
    }
    this.polling.add(key);
    this.queue.addAfter(key, Math.min(this.progress.next(key), outcome.requeue.withinMs ?? Number.POSITIVE_INFINITY));
  }

  private markSynced(key: string): void {
    for (const sync of [...this.syncs]) {
      sync.pending.delete(key);
      if (sync.pending.size > 0) continue;
      this.syncs.splice(this.syncs.indexOf(sync), 1);
      sync.done();
    }
  }
}

/** A network held until its services leave it (in use, or changed while in use): a service event may free it. */
function waitsForServices(outcome: ReconcileOutcome): boolean {
  return outcome.phase.kind !== 'ready' && (outcome.phase.reason === 'InUse' || outcome.phase.reason === 'NetworkImmutable');
}
