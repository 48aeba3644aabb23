import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { SwarmClient } from '../adapters/docker/swarm-client.js';
import { createStatusServer, listen } from '../adapters/http/status-server.js';
import { Operator, type OperatorSettings } from '../controller/operator.js';
import { KargoMetrics } from '../observability/metrics.js';

/** Kargo running: the operator, its metrics and, unless told otherwise, its HTTP server. */
export interface KargoRuntime {
  readonly operator: Operator;
  readonly metrics: KargoMetrics;
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
}

/**
 * Wires metrics into the Docker client and the controller, starts the HTTP server (so that
 * `/readyz` answers 503 during the first sync), then the operator.
 */
export async function startRuntime(options: RuntimeOptions): Promise<KargoRuntime> {
  const metrics = new KargoMetrics(options.version);
  options.swarm.onRequest = (operation, code) => metrics.dockerRequest(operation, code);
  const operator = new Operator(options.swarm, options.logger, options.settings, {
    ...metrics.controllerObserver(),
    sourceRead: (read) => metrics.sourceRead(read),
    synced: (at) => metrics.synced(at),
  });
  metrics.watchQueue(operator.controller.workQueue);
  let server: Server | undefined;
  let port: number | undefined;
  if (options.listen !== undefined) {
    server = createStatusServer(operator.statusSource(), metrics.registry);
    port = await listen(server, options.listen);
    options.logger.info({ listen: options.listen, port }, `serving /metrics, /healthz, /readyz and /api/v1 on port ${String(port)}`);
  }
  const started = operator.start();
  return {
    operator,
    metrics,
    ...(port === undefined ? {} : { port }),
    started,
    stop: async () => {
      await operator.stop();
      await new Promise<void>((resolve) => {
        if (server === undefined) resolve();
        else server.close(() => resolve());
      });
    },
  };
}
