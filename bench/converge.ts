/**
 * Measurements 1–3 at one size N, for each tool on its own: cold converge, no-op resync, one
 * change among N, each repeated and reported by its median run (the machine is shared and noisy).
 * Each tool's series runs on an engine holding only its own N services.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PrivateEngine } from '../src/sandbox/private-engine.js';
import { benchServices, composeYaml, manifestPath, manifestYaml, withEnv, writeManifests, type BenchService } from './fixtures.js';
import { movedServices, quiet, removeNamespace, runChild, settledVersions, withCpu, type CpuCost } from './measure.js';
import { imageNodeFlags, repoRoot } from './paths.js';
import type { Say } from './progress.js';
import { countByOperation, type Operation } from './request-counter.js';
import { recordServiceUpdates } from './service-events.js';
import { dockerdPid, exitedChildrenCpuMs, ownCpuMs, processCpuMs } from './system.js';
import { kargoOnce, kargoOnceArgs, stackDeploy, type KargoOnceResult } from './tools.js';

export interface SizeContext {
  readonly engine: PrivateEngine;
  readonly n: number;
  /** Temporary directory of this run. */
  readonly root: string;
  readonly workers: number;
  /** Runs of each kind; the median one is reported. */
  readonly repeats: number;
  readonly say: Say;
}

/** One run of one tool: wall time, CPU, versions moved, writes (Kargo's, counted at its client). */
export interface ToolRun {
  readonly ms: number;
  readonly cpu: CpuCost;
  readonly moved: number;
  /** Kargo: write requests sent; stack deploy: undefined (counted as versions moved). */
  readonly writes?: { create: number; update: number; remove: number };
  /** Kargo: every request it sent, by operation. */
  readonly requests?: Partial<Record<Operation, number>>;
  /** Kargo: ms from the start to its first and last write request. */
  readonly firstWriteMs?: number;
  readonly lastWriteMs?: number;
  /** Kargo: ms from the start to its first and last Docker API request. */
  readonly firstRequestMs?: number;
  readonly lastRequestMs?: number;
  /** ms from the start until the engine reported the changed service updated (one-change runs). */
  readonly changedEventMs?: number;
}

/** The runs of one kind, in order. */
export type Runs = readonly ToolRun[];

/** The three kinds of runs of one tool at one size. */
export interface ToolSeries {
  readonly cold: Runs;
  readonly noop: Runs;
  readonly change: Runs;
}

/** The run with the median wall time (the lower middle one for an even count). */
export function medianRun(runs: Runs): ToolRun {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const run = sorted[Math.floor((sorted.length - 1) / 2)];
  if (run === undefined) throw new Error('no runs');
  return run;
}

/** Names used at size N (the namespace and stack the last cold run creates and later runs reuse). */
export function namesAt(n: number): { namespace: string; stack: string; manifests: string; compose: string } {
  return { namespace: `bench-k${String(n)}`, stack: `bench-s${String(n)}`, manifests: `manifests-${String(n)}`, compose: `compose-${String(n)}.yml` };
}

/** The service edited by the r-th one-change run (0-based): a different one each time. */
export function changedService(services: readonly BenchService[], round: number): BenchService {
  const service = services[(Math.floor(services.length / 2) + round) % services.length];
  if (service === undefined) throw new Error('no services');
  return service;
}

const changedValue = (round: number): string => `changed by the bench (${String(round)})`;

/** Kargo's series: `kargo run --once`, cold into fresh namespaces, then again and again on the last. */
export async function kargoSeries(context: SizeContext): Promise<ToolSeries> {
  const { engine, n, root, workers, repeats, say } = context;
  const names = namesAt(n);
  const services = benchServices(n);
  const dockerd = dockerdPid(engine.stateDir);
  const run = async (label: string, dir: string, namespace: string): Promise<{ once: KargoOnceResult; cpu: CpuCost; moved: number }> => {
    await quiet(() => processCpuMs(dockerd));
    const before = await settledVersions(engine.swarm, namespace);
    const { result: once, cpu } = await withCpu(ownCpuMs, () => processCpuMs(dockerd), () => kargoOnce(engine.dockerHost, dir, namespace, workers));
    if (once.exitCode !== 0) throw new Error(`kargo run --once (${label}, N=${String(n)}) exited ${String(once.exitCode)}: ${once.output}`);
    const moved = movedServices(before, await settledVersions(engine.swarm, namespace)).length;
    say(`  kargo ${label} N=${String(n)}: ${once.ms.toFixed(0)} ms, ${String(once.writes.length)} write(s), ${String(moved)} service version(s) moved`);
    return { once, cpu, moved };
  };
  const cold: ToolRun[] = [];
  for (let round = 1; round <= repeats; round++) {
    const last = round === repeats;
    const namespace = last ? names.namespace : `${names.namespace}-w${String(round)}`;
    const dir = join(root, last ? names.manifests : `${names.manifests}-w${String(round)}`);
    writeManifests(dir, services, namespace);
    cold.push(kargoRun(await run(`cold converge ${String(round)}/${String(repeats)}`, dir, namespace)));
    if (!last) await removeNamespace(engine.swarm, namespace);
  }
  const dir = join(root, names.manifests);
  const noop: ToolRun[] = [];
  for (let round = 1; round <= repeats; round++) noop.push(kargoRun(await run(`no-op resync ${String(round)}/${String(repeats)}`, dir, names.namespace)));
  const change: ToolRun[] = [];
  for (let round = 0; round < repeats; round++) {
    const target = changedService(services, round);
    writeFileSync(manifestPath(dir, target), manifestYaml(withEnv(target, 'RESPONSE', changedValue(round)), names.namespace));
    const events = await recordServiceUpdates(engine.docker);
    const result = await run(`one change ${String(round + 1)}/${String(repeats)}`, dir, names.namespace);
    events.stop();
    const eventAt = events.firstUpdate(`${names.namespace}_${target.name}`, result.once.startedAt);
    change.push({ ...kargoRun(result), ...(eventAt === undefined ? {} : { changedEventMs: eventAt - result.once.startedAt }) });
  }
  return { cold, noop, change };
}

/** One cold converge by some way of running Kargo: its wall time, and its run once the services it created are counted. */
type ColdConverge = (dir: string, namespace: string) => Promise<{ ms: number; run: (moved: number) => ToolRun }>;

/** Cold converges into a throwaway namespace (`suffix`), removed after each round. */
async function throwawayColdConverges(context: SizeContext, suffix: string, label: string, converge: ColdConverge): Promise<Runs> {
  const { engine, n, root, repeats, say } = context;
  const namespace = `${namesAt(n).namespace}-${suffix}`;
  const dir = join(root, `${namesAt(n).manifests}-${suffix}`);
  writeManifests(dir, benchServices(n), namespace);
  const dockerd = dockerdPid(engine.stateDir);
  const runs: ToolRun[] = [];
  for (let round = 1; round <= repeats; round++) {
    await quiet(() => processCpuMs(dockerd));
    const { ms, run } = await converge(dir, namespace);
    const moved = (await settledVersions(engine.swarm, namespace)).size;
    say(`  kargo cold converge ${label} ${String(round)}/${String(repeats)} N=${String(n)}: ${ms.toFixed(0)} ms, ${String(moved)} service(s) created`);
    await removeNamespace(engine.swarm, namespace);
    runs.push(run(moved));
  }
  return runs;
}

/** Extra Kargo cold converges with a different --workers. */
export async function kargoColdWithWorkers(context: SizeContext, workers: number): Promise<Runs> {
  const { engine } = context;
  const dockerd = dockerdPid(engine.stateDir);
  return throwawayColdConverges(context, `x${String(workers)}`, `with --workers ${String(workers)}`, async (dir, namespace) => {
    const { result: once, cpu } = await withCpu(ownCpuMs, () => processCpuMs(dockerd), () => kargoOnce(engine.dockerHost, dir, namespace, workers));
    if (once.exitCode !== 0) throw new Error(`kargo run --once --workers ${String(workers)} exited ${String(once.exitCode)}: ${once.output}`);
    return { ms: once.ms, run: (moved) => kargoRun({ once, cpu, moved }) };
  });
}

/**
 * Kargo's cold converge as a shell or a CI job runs it: a fresh `node dist/cli/main.js run --once`
 * process each time (Node.js start, module loading and JIT warm-up included).
 */
export async function kargoColdAsProcess(context: SizeContext): Promise<Runs> {
  const { engine, workers } = context;
  const dockerd = dockerdPid(engine.stateDir);
  return throwawayColdConverges(context, 'p', 'as a fresh process', async (dir, namespace) => {
    const args = [...imageNodeFlags(), 'dist/cli/main.js', ...kargoOnceArgs(dir, namespace, workers)];
    const env = { ...process.env, DOCKER_HOST: engine.dockerHost };
    const { result, cpu } = await withCpu(exitedChildrenCpuMs, () => processCpuMs(dockerd), () => runChild(process.execPath, args, env, repoRoot));
    if (result.code !== 0) throw new Error(`node dist/cli/main.js run --once exited ${String(result.code)}: ${result.stderr.slice(0, 2000)}`);
    return { ms: result.ms, run: (moved) => ({ ms: result.ms, cpu, moved }) };
  });
}

function kargoRun({ once, cpu, moved }: { once: KargoOnceResult; cpu: CpuCost; moved: number }): ToolRun {
  const requests = countByOperation(once.requests);
  const writeTimes = once.writes.map((write) => write.at - once.startedAt);
  const requestTimes = once.requests.map((request) => request.at - once.startedAt);
  return {
    ms: once.ms,
    cpu,
    moved,
    writes: { create: requests.create_service ?? 0, update: requests.update_service ?? 0, remove: requests.remove_service ?? 0 },
    requests,
    ...(writeTimes.length === 0 ? {} : { firstWriteMs: Math.min(...writeTimes), lastWriteMs: Math.max(...writeTimes) }),
    ...(requestTimes.length === 0 ? {} : { firstRequestMs: Math.min(...requestTimes), lastRequestMs: Math.max(...requestTimes) }),
  };
}

/** docker stack deploy's series: cold into fresh stacks, then the same file again, then one change. */
export async function stackSeries(context: SizeContext): Promise<ToolSeries> {
  const { engine, n, root, repeats, say } = context;
  const names = namesAt(n);
  const file = join(root, names.compose);
  const services = benchServices(n);
  writeFileSync(file, composeYaml(services));
  const dockerd = dockerdPid(engine.stateDir);
  const run = async (label: string, stack: string, changed?: string): Promise<ToolRun> => {
    await quiet(() => processCpuMs(dockerd));
    const before = await settledVersions(engine.swarm, stack);
    const events = changed === undefined ? undefined : await recordServiceUpdates(engine.docker);
    const startedAt = performance.now();
    const { result, cpu } = await withCpu(exitedChildrenCpuMs, () => processCpuMs(dockerd), () => stackDeploy(engine.dockerHost, file, stack));
    events?.stop();
    const moved = movedServices(before, await settledVersions(engine.swarm, stack)).length;
    say(`  docker stack deploy ${label} N=${String(n)}: ${result.ms.toFixed(0)} ms, ${String(moved)} service version(s) moved`);
    const eventAt = changed === undefined ? undefined : events?.firstUpdate(`${stack}_${changed}`, startedAt);
    return { ms: result.ms, cpu, moved, ...(eventAt === undefined ? {} : { changedEventMs: eventAt - startedAt }) };
  };
  const cold: ToolRun[] = [];
  for (let round = 1; round <= repeats; round++) {
    const last = round === repeats;
    const stack = last ? names.stack : `${names.stack}-w${String(round)}`;
    cold.push(await run(`cold converge ${String(round)}/${String(repeats)}`, stack));
    if (!last) await removeNamespace(engine.swarm, stack);
  }
  const noop: ToolRun[] = [];
  for (let round = 1; round <= repeats; round++) noop.push(await run(`no-op resync ${String(round)}/${String(repeats)}`, names.stack));
  const change: ToolRun[] = [];
  let current = services;
  for (let round = 0; round < repeats; round++) {
    const target = changedService(services, round);
    current = current.map((service) => (service.name === target.name ? withEnv(service, 'RESPONSE', changedValue(round)) : service));
    writeFileSync(file, composeYaml(current));
    change.push(await run(`one change ${String(round + 1)}/${String(repeats)}`, names.stack, target.name));
  }
  return { cold, noop, change };
}
