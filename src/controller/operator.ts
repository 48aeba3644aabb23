import type { Logger } from 'pino';
import type { SwarmClient } from '../adapters/docker/swarm-client.js';
import { followServiceEvents } from '../adapters/docker/service-events.js';
import type { SecretOpening } from '../adapters/files/age-identities.js';
import { createManifestLoader } from '../adapters/files/manifest-loader.js';
import { optionalField as optional } from '../core/optional-field.js';
import { ManifestSource, type SourceRead } from '../adapters/files/manifest-source.js';
import type { StatusSource } from '../adapters/http/status-server.js';
import { snapshotOf } from '../core/snapshot.js';
import { baselinePolicy, type Policy, type PolicyContext } from '../core/policy/policy.js';
import { describeError } from '../errors.js';
import type { OgcProbeResult } from '../core/ogc/ogc-probe-result.js';
import { OgcProber } from './ogc-prober.js';
import { Controller, type ControllerObserver, type ControllerSettings, type ServiceListing } from './controller.js';

export interface OperatorSettings extends ControllerSettings {
  readonly manifests: string;
  /** Values files substituted into the manifests (`--values`), watched like the manifests. */
  readonly values?: readonly string[];
  /** How the age-encrypted files of spec.secrets are opened (`--age-identity-file`). */
  readonly secrets?: SecretOpening;
  /** The operator's policy (--policy); the built-in baseline when absent. */
  readonly policy?: Policy;
  readonly debounceMs: number;
  /** Full resync period; 0 turns it off. */
  readonly resyncMs: number;
  /** Follow Docker events (off for `--once`). */
  readonly watch: boolean;
  /** Where Kargo reaches the ports the swarm publishes, for its OGC probes (--ogc-host; default 127.0.0.1). */
  readonly ogcHost?: string;
}

export interface OperatorObserver extends ControllerObserver {
  /** A new read of the source was taken. */
  sourceRead?(read: SourceRead): void;
  /** A full sync finished. */
  synced?(at: Date): void;
  /** Kargo probed a GeoService's OGC answers. */
  probed?(key: string, result: OgcProbeResult): void;
}

export interface OperatorOptions {
  /** How a published port is reached (the sandbox forwards into its engine); default http://<ogcHost>:<port>. */
  readonly reachPublishedPort?: (port: number) => Promise<string>;
}

/** Why Kargo is not ready, or undefined when it is. */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * Kargo at run time: the manifest source, the controller, the Docker event stream and the
 * resync timer, wired together. `start` resolves after the first full sync.
 */
export class Operator {
  readonly controller: Controller;
  private source: ManifestSource | undefined;
  private stopEvents: (() => void) | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private firstSyncDone = false;
  private engineReachable = true;
  private engineProblem = '';
  private stopping = false;
  private readonly prober: OgcProber;
  /** The wiring of a start under way (reading the source, starting the watch and the event stream). */
  private settingUp: Promise<unknown> | undefined;

  constructor(
    private readonly swarm: SwarmClient,
    private readonly logger: Logger,
    private readonly settings: OperatorSettings,
    private readonly observer: OperatorObserver = {},
    options: OperatorOptions = {},
  ) {
    // Without the prober (run --once), no GeoService would ever turn Available for its dependents.
    this.controller = new Controller(swarm, logger, { ...settings, ogcProbes: settings.watch }, observer);
    const host = settings.ogcHost ?? '127.0.0.1';
    this.prober = new OgcProber({
      statuses: this.controller.statuses,
      snapshot: () => this.controller.currentSnapshot,
      // Loaded with the first probe: the XML parser costs a run --once or a Kargo without spec.ogc nothing.
      probe: async (url, check) => (await import('../adapters/http/ogc-probe.js')).probeOgc(url, check),
      reachPublishedPort: options.reachPublishedPort ?? ((port) => Promise.resolve(`http://${host.includes(':') ? `[${host}]` : host}:${String(port)}`)),
      turnedAvailable: (key) => this.controller.dependencyReady(key),
      ...optional('probed', observer.probed?.bind(observer)),
      logger,
    });
  }

  /** What the status server shows. */
  statusSource(): StatusSource {
    return {
      readiness: () => this.readiness(),
      statuses: () => [...this.controller.statuses.values()],
      revision: () => this.controller.currentSnapshot?.revision,
      manifestProblems: () => this.controller.currentSnapshot?.problems ?? [],
      ignoredDocuments: () => this.controller.currentSnapshot?.set.ignored ?? [],
    };
  }

  readiness(): Readiness {
    if (!this.firstSyncDone) return { ready: false, reason: 'the first full sync has not finished' };
    if (!this.engineReachable) return { ready: false, reason: `the Docker engine is not reachable: ${this.engineProblem}` };
    return { ready: true };
  }

  async start(): Promise<void> {
    const setUp = this.setUp();
    this.settingUp = setUp.catch(() => undefined);
    const listing = await setUp;
    // A stop during the set-up: nothing more to start (a stop during the sync ends its work).
    if (this.stopping) return;
    await this.fullSync(listing);
    this.firstSyncDone = true;
    this.logger.info({ revision: this.controller.currentSnapshot?.revision, services: this.controller.statuses.size }, 'first full sync done');
    if (this.settings.resyncMs > 0) this.scheduleResync();
    if (this.settings.watch) this.prober.start();
  }

  /** Reads the source and wires the controller, the watch and the event stream; returns the first sync's early listing. */
  private async setUp(): Promise<ServiceListing | undefined> {
    const source = new ManifestSource(
      this.settings.manifests,
      createManifestLoader({ valuesFiles: this.settings.values ?? [], ...optional('secrets', this.settings.secrets), policy: this.policyContext() }),
      (read) => this.takeRead(read),
      (message) => this.logger.error({ source: this.settings.manifests }, message),
      { debounceMs: this.settings.debounceMs, relinkCheckMs: 1000, valuesFiles: this.settings.values ?? [] },
    );
    this.source = source;
    // Not when watching: an edit made during the read would then be in neither the listing nor
    // the event stream (it follows from after the read), and stay unseen until a resync.
    const listing = this.settings.watch ? undefined : this.controller.startListing();
    const read = await (this.settings.watch ? source.start() : source.readNow());
    if (this.stopping) return listing;
    this.takeRead(read);
    this.controller.start();
    if (this.settings.watch) this.followEvents();
    return listing;
  }

  /** What the loader checks manifests against: the policy, and Kargo's own service. */
  private policyContext(): PolicyContext {
    const { policy = baselinePolicy, selfService } = this.settings;
    return { policy, ...(selfService === undefined ? {} : { selfService }) };
  }

  /** Reads the source again now (a refresh request, a resync). */
  async refreshSource(): Promise<void> {
    await this.source?.refresh();
  }

  /**
   * Stops taking work, lets reconciles in flight finish, stops watching. A start still setting up
   * (a Ctrl-C right after start) finishes that first, so nothing it starts outlives the stop.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.settingUp;
    clearTimeout(this.resyncTimer);
    this.prober.stop();
    this.stopEvents?.();
    await this.source?.stop();
    await this.controller.stop();
  }

  private takeRead(read: SourceRead): void {
    const snapshot = snapshotOf(read.set, this.settings.manifests, read.revision, this.settings.namespaces);
    const previous = this.controller.currentSnapshot;
    const changed = this.controller.applySnapshot(snapshot);
    // Orphans held while a file could not be read belong to no key a new snapshot queues: sync them all.
    if (previous !== undefined && previous.unidentifiedFiles.size > 0 && snapshot.unidentifiedFiles.size === 0) {
      this.resyncInBackground('every manifest file loads again: resyncing the services held meanwhile');
    }
    this.observer.sourceRead?.(read);
    const level = read.set.problems.length > 0 ? 'warn' : 'info';
    this.logger[level](
      { revision: read.revision, manifests: read.set.manifests.length, problems: read.set.problems.length, changed: changed.length },
      `manifests read at ${read.revision}: ${String(read.set.manifests.length)} valid, ${String(read.set.problems.length)} problem(s), ${String(changed.length)} GeoService(s) to reconcile`,
    );
    for (const problem of read.set.problems) {
      this.logger.warn({ file: problem.file, line: problem.line, column: problem.column, field: problem.field, code: problem.code }, `${problem.file}:${String(problem.line)}:${String(problem.column)}: ${problem.message}`);
    }
  }

  private followEvents(): void {
    this.stopEvents = followServiceEvents(this.swarm.docker, {
      onEvent: (event) => this.controller.serviceChanged(event.serviceName),
      onConnected: () => {
        this.swarm.onRequest('events', '200');
        if (this.engineReachable) return;
        this.engineReachable = true;
        this.resyncInBackground('the Docker engine is reachable again: resyncing');
      },
      onDisconnected: (reason) => {
        this.swarm.onRequest('events', 'error');
        if (this.engineReachable) this.logger.error({ err: reason }, 'lost the Docker event stream; retrying');
        this.engineReachable = false;
        this.engineProblem = reason;
      },
    });
  }

  /** A full sync nobody waits for: its failure is logged, and the next resync tries again. */
  private resyncInBackground(why: string): void {
    this.logger.info(why);
    void this.fullSync().catch((error: unknown) => this.logger.error({ err: describeError(error) }, 'resync failed'));
  }

  private async fullSync(listing?: ServiceListing): Promise<void> {
    await this.controller.resync(listing);
    this.observer.synced?.(new Date());
  }

  private scheduleResync(): void {
    // A stop during the first sync (or a resync) already cleared the timer: start none after it.
    if (this.stopping) return;
    const jitter = 1 + (Math.random() - 0.5) * 0.2;
    this.resyncTimer = setTimeout(() => {
      void (async () => {
        try {
          await this.refreshSource();
          await this.fullSync();
        } catch (error) {
          this.logger.error({ err: describeError(error) }, 'periodic resync failed');
        }
        this.scheduleResync();
      })();
    }, this.settings.resyncMs * jitter);
    this.resyncTimer.unref();
  }
}
