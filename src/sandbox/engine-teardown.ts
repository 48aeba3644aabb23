import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where one private engine keeps everything it owns; deleting it leaves nothing behind. */
export interface EngineLayout {
  /** Root directory of the engine: data-root, exec-root, socket, pid files and logs live below it. */
  readonly stateDir: string;
  /** The network namespace the engine runs in. */
  readonly netns: string;
  /**
   * A data-root outside `stateDir` whose images outlive the engine (see kept-image-store.ts);
   * teardown empties it of the swarm and networks, and leaves the images.
   */
  readonly keptDataRoot?: string;
}

export const engineFiles = {
  socket: 'docker.sock',
  dockerdPid: 'dockerd.pid',
  ownerPid: 'owner.pid',
  reaperPid: 'reaper.pid',
  dockerdLog: 'dockerd.log',
  config: 'daemon.json',
  dataRoot: 'data',
  execRoot: 'exec',
  /** Holds the kept data-root's path, so that every teardown (the reaper's, a sweep's) finds it. */
  keptDataRoot: 'kept-data-root',
} as const;

/** The file in a kept image store naming the state dir of the engine using it. */
export const storeClaimFile = 'in-use-by';

/*
 * Teardown is a shell script, not TypeScript, because it must also run after the Node.js process
 * that started the engine has died (killed test run, Ctrl-C): a detached reaper runs the very
 * same script then. $1 is the state dir, $2 the netns name.
 *
 * Order matters: stop dockerd gracefully (it stops its containers and its containerd), then kill
 * whatever still runs from the exec-root, unmount what is left below the state dir (deepest
 * first), drop the network namespace, delete the directory.
 *
 * A kept data-root loses its swarm and network state here (both are made again at the next start)
 * and keeps its images. Containers and volumes are removed through the engine while it runs (a
 * stop, or the next start after a kill): deleting their directories here would strand their
 * layers in the image store.
 */
const teardownScript = String.raw`
dir="$1"; ns="$2"
kept=$(cat "$dir/${engineFiles.keptDataRoot}" 2>/dev/null)
# A zombie counts as gone: its parent may be the very process waiting for this script.
running() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]; }
pid=$(cat "$dir/${engineFiles.dockerdPid}" 2>/dev/null)
if running "$pid"; then
  kill -TERM "$pid" 2>/dev/null
  i=0
  while running "$pid" && [ $i -lt 150 ]; do sleep 0.2; i=$((i+1)); done
  kill -KILL "$pid" 2>/dev/null
fi
pkill -KILL -f "$dir/${engineFiles.execRoot}" 2>/dev/null
below() { awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r; }
for m in $(below "$dir"); do umount -l "$m" 2>/dev/null; done
if [ -n "$kept" ]; then
  claim="$(dirname "$kept")/${storeClaimFile}"
  # Only while the store is still ours: a late teardown must not touch the next engine's state.
  if [ "$(cat "$claim" 2>/dev/null)" = "$dir" ]; then
    for m in $(below "$kept"); do umount -l "$m" 2>/dev/null; done
    rm -rf "$kept/swarm" "$kept/network"
    rm -f "$claim"
  fi
fi
ip netns delete "$ns" 2>/dev/null
rm -rf "$dir"
`;

/** Stops the engine and removes every trace of it. Safe to call twice. */
export function tearDownEngine(layout: EngineLayout): void {
  stopReaper(layout);
  spawnSync('sh', ['-c', teardownScript, 'kargo-teardown', layout.stateDir, layout.netns], { stdio: 'ignore' });
}

/**
 * Starts a detached watcher that tears the engine down as soon as process `ownerPid` is gone, so
 * an interrupted or crashed test run never leaves an engine behind.
 */
export function startReaper(layout: EngineLayout, ownerPid: number): number | undefined {
  const script = `while kill -0 ${ownerPid} 2>/dev/null; do sleep 1; done\n${teardownScript}`;
  const child = spawn('sh', ['-c', script, 'kargo-reaper', layout.stateDir, layout.netns], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child.pid;
}

function stopReaper(layout: EngineLayout): void {
  const pid = readPid(join(layout.stateDir, engineFiles.reaperPid));
  if (pid !== undefined && isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The pid stored in `file`, if any. */
export function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A directory made moments ago may belong to an engine whose owner has not written its pid yet. */
function isYoung(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 60_000;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the engine of `stateDir` may still be in use: its owner lives, or it was made moments ago. */
export function engineIsLive(stateDir: string): boolean {
  const owner = readPid(join(stateDir, engineFiles.ownerPid));
  return owner === undefined ? isYoung(stateDir) : isAlive(owner);
}

/**
 * Tears down engines below `rootDir` whose owner process is dead: leftovers of a run that was
 * killed before its reaper could act (e.g. the whole machine was stopped).
 */
export function sweepAbandonedEngines(rootDir: string, netnsOf: (id: string) => string): string[] {
  if (!existsSync(rootDir)) return [];
  const swept: string[] = [];
  for (const id of readdirSync(rootDir)) {
    const stateDir = join(rootDir, id);
    if (engineIsLive(stateDir)) continue;
    tearDownEngine({ stateDir, netns: netnsOf(id) });
    swept.push(id);
  }
  return swept;
}

/**
 * What an engine left on the machine: its directory, its network namespace, mounts below its
 * directory, processes started from it; in a kept data-root, anything but images (containers,
 * volumes, the swarm, networks, the claim). Empty once teardown has done its job.
 */
export function findEngineLeftovers(layout: EngineLayout): string[] {
  const leftovers: string[] = [];
  if (existsSync(layout.stateDir)) leftovers.push(`directory ${layout.stateDir}`);
  if (existsSync(join('/run/netns', layout.netns))) leftovers.push(`network namespace ${layout.netns}`);
  const below = (dir: string) => (path: string): boolean => path === dir || path.startsWith(`${dir}/`);
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((mountPoint) => below(layout.stateDir)(mountPoint) || (layout.keptDataRoot !== undefined && below(layout.keptDataRoot)(mountPoint)));
  leftovers.push(...mounts.map((mountPoint) => `mount ${mountPoint}`));
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    const cmdline = readCmdline(pid);
    if (cmdline.includes(join(layout.stateDir, engineFiles.execRoot))) leftovers.push(`process ${pid}: ${cmdline.trim()}`);
  }
  if (layout.keptDataRoot !== undefined) leftovers.push(...keptDataRootLeftovers(layout.keptDataRoot, layout.stateDir));
  return leftovers;
}

/** What a kept data-root holds besides images once its engine is gone. */
function keptDataRootLeftovers(dataRoot: string, stateDir: string): string[] {
  const entries = (dir: string): string[] => (existsSync(join(dataRoot, dir)) ? readdirSync(join(dataRoot, dir)) : []);
  const claim = join(dirname(dataRoot), storeClaimFile);
  return [
    ...entries('containers').map((id) => `container ${id} in ${dataRoot}`),
    // metadata.db and backingFsBlockDev (a device node for volume quotas) are the engine's, not volumes.
    ...entries('volumes').filter((name) => name !== 'metadata.db' && name !== 'backingFsBlockDev').map((name) => `volume ${name} in ${dataRoot}`),
    ...['swarm', 'network'].filter((dir) => existsSync(join(dataRoot, dir))).map((dir) => `${dir} state ${join(dataRoot, dir)}`),
    ...(existsSync(claim) && readFileSync(claim, 'utf8').trim() === stateDir ? [`claim ${claim}`] : []),
  ];
}

function readCmdline(pid: string): string {
  try {
    return readFileSync(join('/proc', pid, 'cmdline'), 'utf8').replaceAll('\0', ' ');
  } catch {
    return ''; // the process ended while we looked
  }
}
