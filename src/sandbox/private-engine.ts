import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { SwarmClient } from '../adapters/docker/swarm-client.js';
import { ErrorCode, KargoError, describeError } from '../errors.js';
import {
  engineFiles,
  readPid,
  startReaper,
  sweepAbandonedEngines,
  tearDownEngine,
  type EngineLayout,
} from './engine-teardown.js';
import { claimImageStore, emptyAllButImages } from './kept-image-store.js';
import { engineHostPrerequisites, ensurePrerequisites } from './prerequisites.js';

/**
 * A throwaway Docker Engine in swarm mode that belongs to one process: its own unix socket,
 * data-root, exec-root, pid file, config file and network namespace. Running it in a namespace of
 * its own keeps its bridge and iptables rules away from any engine the machine already has;
 * later, several of them joined by veth pairs can form a multi-node swarm.
 */
export interface PrivateEngine extends EngineLayout {
  readonly id: string;
  readonly socketPath: string;
  /** `unix://…`, ready for DOCKER_HOST. */
  readonly dockerHost: string;
  /** Kargo's typed client bound to this engine's socket. */
  readonly swarm: SwarmClient;
  /** The dockerode client behind `swarm`, for calls Kargo's client does not make. */
  readonly docker: Docker;
  /** Removes every service, leaves the swarm, stops the engine and deletes all it made. */
  stop(): Promise<void>;
  /** Stops only the daemon (state kept), as when an engine goes down. */
  stopDaemon(): Promise<void>;
  /** Starts the daemon again on the same state; resolves once it answers. */
  startDaemon(): Promise<void>;
}

export interface PrivateEngineOptions {
  /** Parent directory of all private engines' state (default: `$TMPDIR/kargo-engines`). */
  readonly rootDir?: string;
  /** Progress lines for a person watching. */
  readonly say?: (line: string) => void;
  /** How long the engine may take to answer and become a ready swarm manager. */
  readonly startTimeoutMs?: number;
  /**
   * A directory whose images outlive the engine (kept-image-store.ts): the next engine started on
   * it has them at once. Only one engine uses it at a time; another gets a throwaway data-root.
   */
  readonly keepImagesIn?: string;
}

export const defaultEnginesRoot = join(tmpdir(), 'kargo-engines');
const netnsFor = (id: string): string => `kargo-${id}`;

/** Starts a private engine and initialises a single-node swarm on it. */
export async function startPrivateEngine(options: PrivateEngineOptions = {}): Promise<PrivateEngine> {
  const say = options.say ?? (() => undefined);
  const rootDir = options.rootDir ?? defaultEnginesRoot;
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  const tools = ensurePrerequisites(engineHostPrerequisites, say);
  for (const id of sweepAbandonedEngines(rootDir, netnsFor)) say(`removed an abandoned engine (${id})`);

  const id = randomBytes(4).toString('hex');
  const stateDir = join(rootDir, id);
  let keptDataRoot: string | undefined;
  try {
    prepareStateDir(stateDir);
    keptDataRoot = keepImages(options.keepImagesIn, stateDir, say);
  } catch (error) {
    tearDownEngine({ stateDir, netns: netnsFor(id) });
    throw error;
  }
  const layout: EngineLayout = { stateDir, netns: netnsFor(id), ...(keptDataRoot === undefined ? {} : { keptDataRoot }) };
  const socketPath = join(layout.stateDir, engineFiles.socket);
  const swarm = SwarmClient.connect(`unix://${socketPath}`);
  const docker = swarm.docker;
  try {
    run('ip', ['netns', 'add', layout.netns]);
    run('ip', ['-n', layout.netns, 'link', 'set', 'lo', 'up']);
    const reaper = startReaper(layout, process.pid);
    if (reaper !== undefined) writeFileSync(join(layout.stateDir, engineFiles.reaperPid), `${reaper}\n`);
    say(`starting a private Docker engine in ${layout.stateDir}`);
    spawnDockerd(layout, tools.get('dockerd') ?? 'dockerd', socketPath);
    await waitUntilAnswering(docker, layout, deadline);
    if (keptDataRoot !== undefined) {
      const emptied = await emptyAllButImages(docker);
      if (emptied.containers + emptied.volumes + emptied.networks > 0) {
        say(`removed what an interrupted run left in ${keptDataRoot} (${String(emptied.containers)} containers, ${String(emptied.volumes)} volumes, ${String(emptied.networks)} networks)`);
      }
    }
    await initSwarm(swarm, deadline);
    say('private engine is a ready swarm manager');
  } catch (error) {
    tearDownEngine(layout);
    throw error;
  }
  return {
    ...layout,
    id,
    socketPath,
    dockerHost: `unix://${socketPath}`,
    swarm,
    docker,
    stop: () => stopEngine(swarm, layout),
    stopDaemon: () => stopDaemon(layout),
    startDaemon: async () => {
      spawnDockerd(layout, tools.get('dockerd') ?? 'dockerd', socketPath);
      await waitUntilAnswering(docker, layout, Date.now() + (options.startTimeoutMs ?? 90_000));
    },
  };
}

async function stopDaemon(layout: EngineLayout): Promise<void> {
  const pid = readPid(join(layout.stateDir, engineFiles.dockerdPid));
  if (pid === undefined) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 300 && isRunning(pid); i++) await sleep(100);
}

/** Whether `pid` runs (a zombie child waiting to be reaped does not). */
function isRunning(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(' ')[2]?.startsWith('Z');
  } catch {
    return false;
  }
}

function prepareStateDir(stateDir: string): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(stateDir, engineFiles.ownerPid), `${process.pid}\n`);
  // An empty config of our own, so the machine's /etc/docker/daemon.json cannot leak in.
  writeFileSync(join(stateDir, engineFiles.config), '{}\n');
}

/** The kept data-root to use, recorded in the state dir for every teardown; undefined for a throwaway one. */
function keepImages(storeDir: string | undefined, stateDir: string, say: (line: string) => void): string | undefined {
  if (storeDir === undefined) return undefined;
  const store = claimImageStore(storeDir, stateDir);
  if (store === undefined) {
    say(`the image store ${storeDir} is in use by another engine: this one starts empty, and its images go at its stop`);
    return undefined;
  }
  writeFileSync(join(stateDir, engineFiles.keptDataRoot), store.dataRoot);
  // A run whose teardown never came (a reboot, a killed reaper) left its swarm: a new engine on it
  // would start as a member of that swarm, with its services. The swarm is made anew each start.
  for (const state of ['swarm', 'network']) rmSync(join(store.dataRoot, state), { recursive: true, force: true });
  say(`images are kept between runs in ${store.dataRoot}`);
  return store.dataRoot;
}

function spawnDockerd(layout: EngineLayout, dockerd: string, socketPath: string): void {
  const dir = layout.stateDir;
  const containerdNamespace = layout.keptDataRoot === undefined ? layout.netns : 'kargo-kept';
  const log = openSync(join(dir, engineFiles.dockerdLog), 'a');
  // nsenter (rather than `ip netns exec`) keeps the host's cgroup mounts visible to dockerd.
  const child = spawn(
    'nsenter',
    [
      `--net=/run/netns/${layout.netns}`,
      dockerd,
      `--host=unix://${socketPath}`,
      `--data-root=${layout.keptDataRoot ?? join(dir, engineFiles.dataRoot)}`,
      `--exec-root=${join(dir, engineFiles.execRoot)}`,
      `--pidfile=${join(dir, engineFiles.dockerdPid)}`,
      `--config-file=${join(dir, engineFiles.config)}`,
      // Never share containers with a system containerd another engine may be using. A kept
      // data-root (one engine at a time) keeps one namespace, so that none piles up in it.
      `--containerd-namespace=${containerdNamespace}`,
      `--containerd-plugins-namespace=${containerdNamespace}-plugins`,
    ],
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: '1' },
    },
  );
  child.unref();
  closeSync(log);
}

async function waitUntilAnswering(docker: Docker, layout: EngineLayout, deadline: number): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await docker.ping();
      return;
    } catch (error) {
      lastError = error;
      await sleep(100);
    }
  }
  throw new KargoError(
    ErrorCode.SandboxEngineFailed,
    `the private Docker engine did not answer (${describeError(lastError)}); its log ends with:\n${logTail(layout)}`,
  );
}

async function initSwarm(swarm: SwarmClient, deadline: number): Promise<void> {
  await swarm.docker.swarmInit({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1', ForceNewCluster: false });
  while (Date.now() < deadline) {
    const nodes = await swarm.listNodes();
    if (nodes.some((node) => node.Status?.State === 'ready')) return;
    await sleep(100);
  }
  throw new KargoError(ErrorCode.SandboxEngineFailed, 'the private swarm did not report a ready node in time');
}

/** How long the polite part of a stop (remove the services, leave the swarm) may take. */
const gracefulStopMs = 30_000;

async function stopEngine(swarm: SwarmClient, layout: EngineLayout): Promise<void> {
  const graceful = (async () => {
    const services = await swarm.listServices();
    await Promise.all(services.map((service) => swarm.removeService(service.ID)));
    await swarm.docker.swarmLeave({ force: true });
    if (layout.keptDataRoot !== undefined) await emptyAllButImages(swarm.docker);
  })().catch(() => {
    // The engine may already be gone; the teardown below does not need it.
  });
  // An engine that stops answering must not hold Ctrl-C up (an e2e run once waited minutes here
  // on a loaded machine): the teardown kills it anyway.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([graceful, new Promise((resolve) => (timer = setTimeout(resolve, gracefulStopMs)))]);
  clearTimeout(timer);
  tearDownEngine(layout);
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) {
    throw new KargoError(
      ErrorCode.SandboxEngineFailed,
      `\`${command} ${args.join(' ')}\` failed: ${result.stderr.trim() || `exit ${String(result.status)}`}`,
    );
  }
}

function logTail(layout: EngineLayout): string {
  try {
    return readFileSync(join(layout.stateDir, engineFiles.dockerdLog), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
