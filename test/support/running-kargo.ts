/** Runs Kargo's operator in-process against the test swarm, on a temporary manifests directory. */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import type { Operator, OperatorSettings } from '../../src/controller/operator.js';
import { startRuntime, type KargoRuntime } from '../../src/runtime/kargo-runtime.js';
import type { ConditionType, ObjectStatus } from '../../src/core/status/object-status.js';
import type { EnginePortForward } from '../../src/sandbox/engine-port-forward.js';
import { reachPublishedPort } from './published-port.js';
import type { FileObjectKind } from '../../src/core/manifest/file-references.js';
import type { FileObjectSpec, ListFilters, NetworkCreateRequest, Service, ServiceSpec } from '../../src/core/swarm/engine-api.js';
import { createLogger } from '../../src/observability/logger.js';
import type { GitRepo } from './git-repo.js';
import { afterEach, inject } from 'vitest';
import { uniqueName, waitFor, type WaitOptions } from './swarm.js';

/** The real SwarmClient, counting the writes it sends (the engine is still the real one). */
export class CountingSwarmClient extends SwarmClient {
  readonly writes = { create: 0, update: 0, remove: 0, createNetwork: 0, removeNetwork: 0, createFileObject: 0, removeFileObject: 0 };
  /** The specs of the creates sent, in order. */
  readonly created: ServiceSpec[] = [];

  private held: { taken: () => void; released: Promise<void> } | undefined;

  /**
   * Makes the next listings of every service (a full sync's) slow: each is answered by the engine
   * when sent, then held back until `release()`. `taken` resolves once the first was answered.
   */
  holdFullListings(): { taken: Promise<void>; release: () => void } {
    let taken = (): void => undefined;
    let release = (): void => undefined;
    const takenPromise = new Promise<void>((resolve) => (taken = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.held = { taken, released };
    return {
      taken: takenPromise,
      release: () => {
        this.held = undefined;
        release();
      },
    };
  }

  override async listServices(filters: ListFilters = {}, withStatus = false): Promise<Service[]> {
    const services = await super.listServices(filters, withStatus);
    const held = this.held;
    if (held !== undefined && Object.keys(filters).length === 0) {
      held.taken();
      await held.released;
    }
    return services;
  }

  override async createService(spec: ServiceSpec): Promise<string> {
    this.writes.create += 1;
    this.created.push(spec);
    return super.createService(spec);
  }

  /** Runs after each update Kargo sends, e.g. to undo it as a competing writer would. */
  afterUpdate: ((id: string) => Promise<void>) | undefined;

  override async modifyService(id: string, edit: (service: Service) => ServiceSpec, attempts?: number): Promise<void> {
    this.writes.update += 1;
    await super.modifyService(id, edit, attempts);
    await this.afterUpdate?.(id);
  }

  override async removeService(id: string): Promise<void> {
    this.writes.remove += 1;
    return super.removeService(id);
  }

  override async createNetwork(spec: NetworkCreateRequest): Promise<string> {
    this.writes.createNetwork += 1;
    return super.createNetwork(spec);
  }

  override async removeNetwork(id: string): Promise<void> {
    this.writes.removeNetwork += 1;
    return super.removeNetwork(id);
  }

  override async createFileObject(kind: FileObjectKind, spec: FileObjectSpec): Promise<string> {
    this.writes.createFileObject += 1;
    return super.createFileObject(kind, spec);
  }

  override async removeFileObject(kind: FileObjectKind, id: string): Promise<void> {
    this.writes.removeFileObject += 1;
    return super.removeFileObject(kind, id);
  }
}

export class RunningKargo {
  readonly dir = mkdtempSync(join(tmpdir(), 'kargo-manifests-'));
  readonly logs: Record<string, unknown>[] = [];
  readonly swarm: CountingSwarmClient;
  operator: Operator | undefined;
  runtime: KargoRuntime | undefined;

  constructor(
    dockerHost: string,
    readonly namespace: string,
    private readonly overrides: Partial<OperatorSettings> = {},
  ) {
    const plain = SwarmClient.connect(dockerHost);
    this.swarm = new CountingSwarmClient(plain.docker, dockerHost);
  }

  /** Writes a manifest file, or a file one names (relative to the manifests directory; bytes for e.g. an age file). */
  write(file: string, text: string | Uint8Array): void {
    mkdirSync(dirname(join(this.dir, file)), { recursive: true });
    writeFileSync(join(this.dir, file), text);
  }

  remove(file: string): void {
    unlinkSync(join(this.dir, file));
  }

  async start(): Promise<Operator> {
    const logger = createLogger('debug', new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) this.logs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }));
    const runtime = await startRuntime({
      swarm: this.swarm,
      logger,
      version: 'test',
      listen: '127.0.0.1:0',
      settings: { ...testSettings(this.dir, this.namespace), ...this.overrides },
      reachPublishedPort: (port) => this.reachPublishedPort(port),
    });
    this.runtime = runtime;
    this.operator = runtime.operator;
    await runtime.started;
    return runtime.operator;
  }

  /** The base URL of this Kargo's HTTP server. */
  get url(): string {
    return `http://127.0.0.1:${String(this.runtime?.port ?? 0)}`;
  }

  async get(path: string): Promise<{ status: number; body: string }> {
    const response = await fetch(new URL(path, this.url));
    return { status: response.status, body: await response.text() };
  }

  status(name: string): ObjectStatus | undefined {
    return this.operator?.controller.statuses.get(`${this.namespace}/${name}`);
  }

  /** Waits until the GeoService's condition `type` is True (and returns its status). */
  async waitForCondition(name: string, type: ConditionType, options: WaitOptions = {}): Promise<ObjectStatus> {
    return waitFor(`${this.namespace}/${name} ${type}`, () => {
      const status = this.status(name);
      return status?.conditions.some((c) => c.type === type && c.status === 'True') === true ? status : undefined;
    }, { timeoutMs: 90_000, ...options });
  }

  /** Kargo's services of this test's namespace, by name. */
  async services(): Promise<Map<string, Service>> {
    const services = await this.swarm.listServices({ label: [`com.docker.stack.namespace=${this.namespace}`] });
    return new Map(services.map((service) => [service.Spec.Name ?? '', service]));
  }

  /** Kargo's OGC probes reach published ports through forwarders into the test engine, one per port. */
  private readonly forwards = new Map<number, Promise<EnginePortForward>>();

  private async reachPublishedPort(port: number): Promise<string> {
    const forward = this.forwards.get(port) ?? reachPublishedPort(port);
    this.forwards.set(port, forward);
    return (await forward).url;
  }

  async stop(): Promise<void> {
    await this.runtime?.stop();
    await Promise.all([...this.forwards.values()].map(async (forward) => (await forward).close()));
    const inNamespace = { label: [`com.docker.stack.namespace=${this.namespace}`] };
    const services = await this.swarm.listServices(inNamespace);
    await Promise.all(services.map((service) => this.swarm.removeService(service.ID)));
    // The namespace's networks go once their services are gone (the engine refuses while a task holds one).
    const networks = await this.swarm.listNetworks(inNamespace);
    const removed = (error: unknown): true | undefined => ((error as { statusCode?: number }).statusCode === 404 ? true : undefined);
    await Promise.all(networks.map((network) => waitFor(`removal of network ${network.Name}`, () => this.swarm.removeNetwork(network.Id).then(() => true, removed))));
    for (const kind of ['config', 'secret'] as const) {
      const objects = await this.swarm.listFileObjects(kind, inNamespace);
      await Promise.all(objects.map((object) => this.swarm.removeFileObject(kind, object.ID).catch(() => undefined)));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The operator settings of the tests: fast retries, no resync, one namespace. */
function testSettings(manifests: string, namespace: string): OperatorSettings {
  return { manifests, workers: 4, backoffBaseMs: 200, backoffCapMs: 2000, prune: true, allowEmpty: false, namespaces: new Set([namespace]), retryFailures: true, debounceMs: 50, resyncMs: 0, watch: true };
}

export interface GitKargoOptions {
  readonly swarm: SwarmClient;
  readonly repo: GitRepo;
  readonly namespace: string;
  /** Kargo's clone and checkouts (--git-dir). */
  readonly gitDir: string;
  /** The manifests' subdirectory in the repository (--git-path); default the root. */
  readonly path?: string;
  /** Receives each log line. */
  readonly log?: (line: string) => void;
  readonly webhookSecret?: string;
  readonly refreshIntervalMs?: number;
}

/**
 * Kargo following `repo`'s main branch as `kargo run --git-url` does, with its HTTP server on a
 * free loopback port and no periodic fetch (the test asks for each one); resolves once started.
 */
export async function startGitKargo(options: GitKargoOptions): Promise<KargoRuntime> {
  const log = options.log ?? ((): void => undefined);
  const logger = createLogger('debug', new Writable({ write: (chunk: Buffer, _encoding, done) => { log(chunk.toString()); done(); } }));
  const runtime = await startRuntime({
    swarm: options.swarm,
    logger,
    version: 'test',
    listen: '127.0.0.1:0',
    git: { url: options.repo.bare, allowLocal: true, ref: 'main', path: options.path ?? '', dir: options.gitDir, intervalMs: 0 },
    settings: testSettings('unused', options.namespace),
    ...(options.webhookSecret === undefined ? {} : { webhookSecret: options.webhookSecret }),
    ...(options.refreshIntervalMs === undefined ? {} : { refreshIntervalMs: options.refreshIntervalMs }),
  });
  await runtime.started;
  return runtime;
}

/** A GeoService manifest on the local HTTP test image. */
export function httpManifest(namespace: string, name: string, extra = '', env = 'RESPONSE: hello'): string {
  return `apiVersion: kargo.io/v1alpha1
kind: GeoService
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  image: kargo-local/http:1
  replicas: 1
  env: { ${env} }
  update: { parallelism: 1, delay: 0s, monitor: 1s, order: start-first, failureAction: rollback }
  rollback: { parallelism: 1, monitor: 1s }
  stopGracePeriod: 1s
${extra}`;
}

/**
 * Waits until `file`'s GeoService `name` is Ready, then rolls out an image that crashes, which
 * Swarm rolls back: returns that manifest and the status once Kargo saw the rollback.
 */
export async function rollOutCrash(k: RunningKargo, file: string, name: string): Promise<{ manifest: string; stalled: ObjectStatus }> {
  await k.waitForCondition(name, 'Ready');
  const manifest = httpManifest(k.namespace, name).replace('kargo-local/http:1', 'kargo-local/crash:1').replace('monitor: 1s, order', 'monitor: 4s, order');
  k.write(file, manifest);
  return { manifest, stalled: await k.waitForCondition(name, 'Stalled', { timeoutMs: 120_000 }) };
}

/** Manifest files (and files they name) by name, each made for the test's namespace. */
export type ManifestFiles = Record<string, (namespace: string) => string | Uint8Array>;

/**
 * Starts a RunningKargo in a fresh namespace of the test swarm with the given manifests, and
 * stops it (removing its services and directory) after the test.
 */
export function useKargo(): (files: ManifestFiles, overrides?: Partial<OperatorSettings>) => Promise<RunningKargo> {
  let current: RunningKargo | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return async (files, overrides = {}) => {
    const kargo = new RunningKargo(inject('dockerHost'), uniqueName('ns'), overrides);
    current = kargo;
    for (const [file, text] of Object.entries(files)) kargo.write(file, text(kargo.namespace));
    await kargo.start();
    return kargo;
  };
}
