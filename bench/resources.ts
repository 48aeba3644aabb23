/**
 * Measurement 5: Kargo's memory and CPU while it manages many services over a steady window with
 * periodic resyncs. Kargo runs as a child process from the compiled dist/ (no tsx in the way),
 * sampled through /proc, so the bench's own memory and CPU are not counted.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PrivateEngine } from '../src/sandbox/private-engine.js';
import { registerChild } from './engine.js';
import { imageNodeFlags, loadOnlyFlag, repoRoot } from './paths.js';
import { benchServices, writeManifests } from './fixtures.js';
import { quiet, runChild, sleep, timeout } from './measure.js';
import type { Say } from './progress.js';
import { describeCounts } from './request-counter.js';
import { mark, markdownTable, ms, type Miss, type Row } from './report.js';
import { dockerdPid, processCpuMs, processMemoryMiB } from './system.js';

export const rssTargetMiB = 150;
const namespace = 'bench-steady';
const firstSyncTimeoutMs = 10 * 60_000;

export interface ResourcesResult {
  readonly n: number;
  readonly steadyMs: number;
  readonly resync: string;
  readonly args: readonly string[];
  /** Spawn → "first full sync done" (the services created), ms. */
  readonly startupMs: number;
  readonly startupCpuMs: number;
  readonly rssAfterStartupMiB: number;
  /** The largest RSS over the whole life, startup included (sampled, and VmHWM). */
  readonly peakRssMiB: number;
  /** Largest VmRSS sampled during the steady window. */
  readonly steadyPeakRssMiB: number;
  /** Smallest VmRSS sampled during the steady window. */
  readonly steadyMinRssMiB: number;
  readonly rssAtEndMiB: number;
  readonly steadyCpuMs: number;
  readonly engineSteadyCpuMs: number;
  readonly resyncs: number;
  /** Docker API requests during the steady window, by operation. */
  readonly steadyRequests: Record<string, number>;
  /** The window minute by minute. */
  readonly timeline: readonly TimelineEntry[];
  /** V8 heap at the end of the window (from Kargo's own /metrics). */
  readonly heapAtEnd: HeapFigures;
  /** RSS of Node.js with Kargo's modules loaded and nothing else. */
  readonly baselineRssMiB: number;
}

/** Kargo's /metrics: Docker API requests so far by operation, and the V8 heap in MiB. */
async function scrape(port: number): Promise<{ requests: Record<string, number>; heap: HeapFigures }> {
  const text = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
  const requests: Record<string, number> = {};
  for (const match of text.matchAll(/^kargo_docker_api_requests_total\{([^}]*)\} (\S+)$/gm)) {
    const operation = /operation="([^"]*)"/.exec(match[1] ?? '')?.[1] ?? '?';
    requests[operation] = (requests[operation] ?? 0) + Number(match[2]);
  }
  const mib = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024 ** 2;
  return {
    requests,
    heap: { used: mib('nodejs_heap_size_used_bytes'), total: mib('nodejs_heap_size_total_bytes'), external: mib('nodejs_external_memory_bytes') },
  };
}

/** One stretch (about a minute) of the steady window. */
export interface TimelineEntry {
  readonly fromS: number;
  readonly toS: number;
  readonly requests: Record<string, number>;
  readonly engineCpuMs: number;
  readonly kargoCpuMs: number;
  readonly resyncs: number;
  /** RSS at the end of the stretch. */
  readonly rssMiB: number;
}

/** The V8 heap (used and reserved) and external memory, MiB. */
export interface HeapFigures {
  readonly used: number;
  readonly total: number;
  readonly external: number;
}

/**
 * RSS of a Node.js process that loaded the run command's modules and did nothing else, MiB (the
 * floor under any Kargo): `kargo run` with a flag it does not know stops right after loading.
 */
async function baselineRssMiB(): Promise<number> {
  const printRssAtExit = `data:text/javascript,${encodeURIComponent('process.on("exit", () => { globalThis.gc?.(); process.stdout.write(String(process.memoryUsage().rss)); })')}`;
  const args = [...imageNodeFlags(), '--expose-gc', '--import', printRssAtExit, 'dist/cli/main.js', 'run', loadOnlyFlag];
  const result = await runChild(process.execPath, args, process.env, repoRoot);
  const rss = Number(result.stdout.trim());
  if (!Number.isFinite(rss) || rss <= 0) throw new Error(`node ${args.join(' ')} printed no RSS (exit ${String(result.code)}): ${result.stderr.slice(0, 2000)}`);
  return rss / 1024 ** 2;
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([operation, count]) => [operation, count - (before[operation] ?? 0)]));
}

export async function measureResources(engine: PrivateEngine, n: number, steadyMs: number, resync: string, workers: number, root: string, say: Say): Promise<ResourcesResult> {
  const dir = join(root, 'manifests-steady');
  writeManifests(dir, benchServices(n), namespace);
  const args = [...imageNodeFlags(), 'dist/cli/main.js', 'run', '--manifests', dir, '--namespaces', namespace, '--resync', resync, '--workers', String(workers), '--listen', '127.0.0.1:0', '--log-level', 'info'];
  const dockerd = dockerdPid(engine.stateDir);
  await quiet(() => processCpuMs(dockerd));
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, DOCKER_HOST: engine.dockerHost }, stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot });
  registerChild(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start kargo run');
  let port: number | undefined;
  let reads = 0;
  let firstSync: (() => void) | undefined;
  const synced = new Promise<void>((resolve) => (firstSync = resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    let entry: { msg?: unknown; port?: unknown };
    try {
      entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    } catch {
      return;
    }
    if (typeof entry.port === 'number') port = entry.port;
    const message = typeof entry.msg === 'string' ? entry.msg : '';
    if (message.startsWith('manifests read at')) reads += 1;
    if (message === 'first full sync done') firstSync?.();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let steadyPeak = 0;
  let steadyMin = Number.POSITIVE_INFINITY;
  let lifePeak = 0;
  let sampling = false;
  const sampler = setInterval(() => {
    try {
      const { rss } = processMemoryMiB(pid);
      lifePeak = Math.max(lifePeak, rss);
      if (sampling) {
        steadyPeak = Math.max(steadyPeak, rss);
        steadyMin = Math.min(steadyMin, rss);
      }
    } catch {
      // the process is gone; the exit check below reports it
    }
  }, 250);
  try {
    const outcome = await Promise.race([synced.then(() => 'synced' as const), exited.then(() => 'exited' as const), timeout(firstSyncTimeoutMs).then(() => 'timeout' as const)]);
    if (outcome !== 'synced' || port === undefined) throw new Error(`kargo run did not finish its first sync (${outcome}): ${stderr.trim()}`);
    const startupMs = performance.now() - spawnedAt;
    const startupCpuMs = processCpuMs(pid);
    const rssAfterStartupMiB = processMemoryMiB(pid).rss;
    say(`  resources: ${String(n)} services created in ${ms(startupMs)}; steady window of ${ms(steadyMs)} with --resync ${resync}`);
    const requestsBefore = (await scrape(port)).requests;
    const readsBefore = reads;
    const cpuBefore = processCpuMs(pid);
    const engineBefore = processCpuMs(dockerd);
    sampling = true;
    const windowStart = performance.now();
    const windowEnd = windowStart + steadyMs;
    const timeline: TimelineEntry[] = [];
    let previous = { at: windowStart, requests: requestsBefore, engine: engineBefore, kargo: cpuBefore, reads: readsBefore };
    while (windowEnd - performance.now() > 1) {
      await sleep(Math.min(60_000, windowEnd - performance.now()));
      const now = { at: performance.now(), requests: (await scrape(port)).requests, engine: processCpuMs(dockerd), kargo: processCpuMs(pid), reads };
      const rss = processMemoryMiB(pid).rss;
      timeline.push({
        fromS: (previous.at - windowStart) / 1000,
        toS: (now.at - windowStart) / 1000,
        requests: difference(now.requests, previous.requests),
        engineCpuMs: now.engine - previous.engine,
        kargoCpuMs: now.kargo - previous.kargo,
        resyncs: now.reads - previous.reads,
        rssMiB: rss,
      });
      previous = now;
      say(`  resources: ${((now.at - windowStart) / 1000).toFixed(0)} s into the window, RSS ${rss.toFixed(0)} MiB, ${String(reads - readsBefore)} resync(s)`);
    }
    const steadyCpuMs = processCpuMs(pid) - cpuBefore;
    const engineSteadyCpuMs = processCpuMs(dockerd) - engineBefore;
    const memory = processMemoryMiB(pid);
    const end = await scrape(port);
    const steadyRequests = difference(end.requests, requestsBefore);
    return {
      n, steadyMs, resync, args, startupMs, startupCpuMs, rssAfterStartupMiB,
      peakRssMiB: Math.max(memory.hwm, lifePeak, memory.rss), steadyPeakRssMiB: Math.max(steadyPeak, memory.rss), steadyMinRssMiB: Math.min(steadyMin, memory.rss), rssAtEndMiB: memory.rss,
      steadyCpuMs, engineSteadyCpuMs, resyncs: reads - readsBefore, steadyRequests, timeline, heapAtEnd: end.heap, baselineRssMiB: await baselineRssMiB(),
    };
  } finally {
    clearInterval(sampler);
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), timeout(20_000).then(() => false)]);
    if (!stopped) child.kill('SIGKILL');
  }
}

export function resourcesRow(result: ResourcesResult): { rows: Row[]; misses: Miss[] } {
  const met = result.peakRssMiB < rssTargetMiB;
  const seconds = result.steadyMs / 1000;
  const corePercent = (result.steadyCpuMs / result.steadyMs) * 100;
  const misses: Miss[] = met ? [] : [{ what: `RSS with ${String(result.n)} services`, why: `peak ${result.peakRssMiB.toFixed(0)} MiB (target < ${String(rssTargetMiB)} MiB). ${memoryNote(result)}` }];
  return {
    misses,
    rows: [
      {
        what: '5. Resources: Kargo managing N services, steady state with periodic resyncs',
        n: result.n,
        kargo: `peak RSS ${result.peakRssMiB.toFixed(0)} MiB (over its whole life, creating the ${String(result.n)} services included; ${result.rssAfterStartupMiB.toFixed(0)} MiB once they were created, ${result.steadyPeakRssMiB.toFixed(0)} MiB max in the window, ${result.rssAtEndMiB.toFixed(0)} MiB at the end); CPU ${ms(result.steadyCpuMs)} over ${seconds.toFixed(0)} s (${corePercent.toFixed(1)}% of a core) with ${String(result.resyncs)} resyncs; startup (creating all ${String(result.n)}) ${ms(result.startupMs)}, ${ms(result.startupCpuMs)} CPU`,
        stack: '—',
        verdict: `target RSS < ${String(rssTargetMiB)} MiB ${mark(met)}`,
        command: `\`DOCKER_HOST=… node ${result.args.join(' ').replace(/--manifests \S+/, '--manifests $BENCH/manifests-steady')}\` (child process, with the Node.js flags of the image's ENTRYPOINT; /proc/<pid>/status and /stat sampled)`,
      },
    ],
  };
}

/** Where the memory is: the floor of Node.js plus Kargo's modules, the live heap, the reserve. */
function memoryNote(result: ResourcesResult): string {
  const heap = result.heapAtEnd;
  const floor = result.baselineRssMiB;
  return `Node.js with the run command's modules loaded and nothing else is ${floor.toFixed(0)} MiB RSS here. Kargo was at ${result.rssAfterStartupMiB.toFixed(0)} MiB once its ${String(result.n)} services were created; in the window its RSS moved between ${result.steadyMinRssMiB.toFixed(0)} and ${result.steadyPeakRssMiB.toFixed(0)} MiB (sampled every 250 ms) and ended at ${result.rssAtEndMiB.toFixed(0)} MiB, after ${String(result.resyncs)} resyncs. At the end its V8 heap (its own /metrics) held ${heap.used.toFixed(0)} MiB of live data in ${heap.total.toFixed(0)} MiB reserved, plus ${heap.external.toFixed(0)} MiB external (buffers): roughly, the RSS is the floor, the reserved heap and the buffers; the live data is the smaller part, and the swings follow the resyncs, each of which reads every manifest file again (parsing only those whose text changed) and lists every service.`;
}

/** The steady window minute by minute, and what the engine paid for it, for the notes. */
export function resourcesNote(result: ResourcesResult): string {
  const table = markdownTable(
    ['window', 'resyncs', 'requests Kargo sent', 'Kargo CPU', 'dockerd CPU', 'Kargo RSS at the end'],
    result.timeline.map((entry) => [
      `${entry.fromS.toFixed(0)}–${entry.toS.toFixed(0)} s`,
      String(entry.resyncs),
      describeCounts(entry.requests) || 'none',
      ms(entry.kargoCpuMs),
      ms(entry.engineCpuMs),
      `${entry.rssMiB.toFixed(0)} MiB`,
    ]),
  );
  const lists = result.steadyRequests['list_services'] ?? 0;
  const extra = lists - result.resyncs;
  const lookups =
    extra > 0
      ? ` ${String(extra)} of the ${String(lists)} lists were not a resync's single listing but lookups by reconciles that read their service for themselves: after Docker service events (no manifest changed during the window; the first stretch follows the creation of the ${String(result.n)} services), each one a list filtered by the service's name (see "Engine cost per request").`
      : '';
  return `${memoryNote(result)}

${table}

Over the ${(result.steadyMs / 1000).toFixed(0)} s window Kargo sent ${describeCounts(result.steadyRequests) || 'no requests'} with ${String(result.resyncs)} resyncs, and dockerd spent ${ms(result.engineSteadyCpuMs)} of CPU.${lookups}`;
}
