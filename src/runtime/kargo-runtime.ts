import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { SwarmClient } from '../adapters/docker/swarm-client.js';
import { GitSync, type GitSourceSettings } from '../adapters/git/git-sync.js';
import { describeError } from '../errors.js';
import { Operator, type OperatorSettings } from '../controller/operator.js';
import type { KargoMetrics } from '../observability/metrics.js';
import { RefreshLimiter } from './refresh-limiter.js';

/** Kargo running: the operator and, when it listens, its HTTP server and metrics. */
export interface KargoRuntime {
  readonly operator: Operator;
  /** Kept only when served (`listen`): nothing else reads them. */
  readonly metrics?: KargoMetrics;
  /** The port the HTTP server listens on, when it runs. */
  readonly port?: number;
  /** Resolves after the first full sync. */
  readonly started: Promise<void>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  readonly swarm: SwarmClient;
  readonly logger: Logger;
  readonly settings: OperatorSettings;
  readonly version: string;
  /** `host:port` of the HTTP server; none when undefined. */
  readonly listen?: string;
  /** Follow a git repository (Kargo's own checkout) instead of `settings.manifests`. */
  readonly git?: GitSourceSettings & { readonly intervalMs: number };
  /** Turns on `POST /hooks/git` and `/api/v1/sources/refresh`, which this secret authenticates. */
  readonly webhookSecret?: string;
  /** How Kargo reaches a port the swarm publishes, for its OGC probes (the sandbox forwards into its engine). */
  readonly reachPublishedPort?: (port: number) => Promise<string>;
  /** Shortest time between two fetches however many requests come (default 5 s; tests shorten it). */
  readonly refreshIntervalMs?: number;
}

/** A fetch every 5 s at most: a push is seen within seconds, and a flood of webhooks costs nothing. */
const defaultRefreshIntervalMs = 5_000;

/**
 * Wires metrics into the Docker client and the controller, starts the HTTP server (so that
 * `/readyz` answers 503 during the first sync), then the operator. Without `listen` there is
 * no one to read metrics: prom-client is not even loaded (a `run --once` starts ~30 ms sooner,
 * and no request or reconcile updates a metric).
 */
export async function startRuntime(options: RuntimeOptions): Promise<KargoRuntime> {
  const served = options.listen === undefined ? undefined : { address: options.listen, metrics: await loadMetrics(options.version) };
  const metrics = served?.metrics;
  if (metrics !== undefined) options.swarm.onRequest = (operation, code) => metrics.dockerRequest(operation, code);
  const git = options.git === undefined ? undefined : await startGitSource(options.git, options.logger);
  const settings = git === undefined ? options.settings : { ...options.settings, manifests: git.sync.manifestsPath };
  const operator = new Operator(
    options.swarm,
    options.logger,
    settings,
    metrics === undefined
      ? {}
      : { ...metrics.controllerObserver(), sourceRead: (read) => metrics.sourceRead(read), synced: (at) => metrics.synced(at), probed: (key, result) => metrics.probed(key, result) },
    options.reachPublishedPort === undefined ? {} : { reachPublishedPort: options.reachPublishedPort },
  );
  metrics?.watchController(operator.controller);
  let server: Server | undefined;
  let port: number | undefined;
  const refreshes = new RefreshLimiter(
    async () => {
      options.logger.debug('refresh: fetching and reading the source');
      await git?.sync.sync();
      await operator.refreshSource();
    },
    {
      minIntervalMs: options.refreshIntervalMs ?? defaultRefreshIntervalMs,
      onError: (error) => options.logger.error({ err: describeError(error) }, 'refresh failed; the last good read of the source stays in use'),
    },
  );
  if (git !== undefined) git.onTick(() => refreshes.request());
  if (served !== undefined) {
    const { createStatusServer, listen } = await import('../adapters/http/status-server.js');
    const writes = options.webhookSecret === undefined ? undefined : { secret: options.webhookSecret, requestRefresh: () => refreshes.request(), requestRun: (key: string) => operator.controller.requestRun(key) };
    server = createStatusServer(operator.statusSource(), served.metrics.registry, { logger: options.logger, ...(writes === undefined ? {} : { writes }) });
    port = await listen(server, served.address);
    options.logger.info({ listen: served.address, port }, `serving /metrics, /healthz, /readyz and /api/v1 on port ${String(port)}`);
  }
  const started = operator.start();
  return {
    operator,
    ...(metrics === undefined ? {} : { metrics }),
    ...(port === undefined ? {} : { port }),
    started,
    stop: async () => {
      git?.stop();
      await refreshes.stop();
      await operator.stop();
      await new Promise<void>((resolve) => {
        if (server === undefined) resolve();
        else server.close(() => resolve());
      });
    },
  };
}

async function loadMetrics(version: string): Promise<KargoMetrics> {
  const { KargoMetrics } = await import('../observability/metrics.js');
  return new KargoMetrics(version);
}

interface GitSource {
  readonly sync: GitSync;
  /** Runs `tick` every interval (it asks for a fetch, then a read of the source). */
  onTick(tick: () => void): void;
  stop(): void;
}

/**
 * The first fetch happens before anything else, so the manifests exist when the operator
 * starts; if it fails but an earlier run left a checkout, Kargo starts from that and says so.
 */
async function startGitSource(settings: GitSourceSettings & { readonly intervalMs: number }, logger: Logger): Promise<GitSource> {
  const sync = new GitSync(settings, logger);
  try {
    await sync.sync();
  } catch (error) {
    if (!sync.hasCheckout()) throw error;
    logger.error({ err: describeError(error) }, 'git: the first fetch failed; starting from the checkout of an earlier run');
  }
  let timer: NodeJS.Timeout | undefined;
  return {
    sync,
    onTick: (tick) => {
      if (settings.intervalMs <= 0) return;
      timer = setInterval(tick, settings.intervalMs);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}
