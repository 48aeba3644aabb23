import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where one private engine keeps everything it owns; deleting it leaves nothing behind. */
export interface EngineLayout {
  /** Root directory of the engine: data-root, exec-root, socket, pid files and logs live below it. */
  readonly stateDir: string;
  /** The network namespace the engine runs in. */
  readonly netns: string;
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
} as const;

/*
 * Teardown is a shell script, not TypeScript, because it must also run after the Node.js process
 * that started the engine has died (killed test run, Ctrl-C): a detached reaper runs the very
 * same script then. $1 is the state dir, $2 the netns name.
 *
 * Order matters: stop dockerd gracefully (it stops its containers and its containerd), then kill
 * whatever still runs from the exec-root, unmount what is left below the state dir (deepest
 * first), drop the network namespace, delete the directory.
 */
const teardownScript = String.raw`
dir="$1"; ns="$2"
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
for m in $(awk -v d="$dir" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
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

/**
 * Tears down engines below `rootDir` whose owner process is dead: leftovers of a run that was
 * killed before its reaper could act (e.g. the whole machine was stopped).
 */
export function sweepAbandonedEngines(rootDir: string, netnsOf: (id: string) => string): string[] {
  if (!existsSync(rootDir)) return [];
  const swept: string[] = [];
  for (const id of readdirSync(rootDir)) {
    const stateDir = join(rootDir, id);
    const owner = readPid(join(stateDir, engineFiles.ownerPid));
    if (owner === undefined ? isYoung(stateDir) : isAlive(owner)) continue;
    tearDownEngine({ stateDir, netns: netnsOf(id) });
    swept.push(id);
  }
  return swept;
}

/**
 * What an engine left on the machine: its directory, its network namespace, mounts below its
 * directory, processes started from it. Empty once teardown has done its job.
 */
export function findEngineLeftovers(layout: EngineLayout): string[] {
  const leftovers: string[] = [];
  if (existsSync(layout.stateDir)) leftovers.push(`directory ${layout.stateDir}`);
  if (existsSync(join('/run/netns', layout.netns))) leftovers.push(`network namespace ${layout.netns}`);
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((mountPoint) => mountPoint.startsWith(layout.stateDir));
  leftovers.push(...mounts.map((mountPoint) => `mount ${mountPoint}`));
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    const cmdline = readCmdline(pid);
    if (cmdline.includes(join(layout.stateDir, engineFiles.execRoot))) leftovers.push(`process ${pid}: ${cmdline.trim()}`);
  }
  return leftovers;
}

function readCmdline(pid: string): string {
  try {
    return readFileSync(join('/proc', pid, 'cmdline'), 'utf8').replaceAll('\0', ' ');
  } catch {
    return ''; // the process ended while we looked
  }
}
