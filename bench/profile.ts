/**
 * A CPU profile of in-process work (V8's sampling profiler through node:inspector), summed by
 * where the code lives: a package under node_modules, a layer of src/, Node.js internals, the
 * garbage collector, or idle (waiting, here: for the engine's answers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export interface ProfileSummary {
  readonly totalMs: number;
  /** Milliseconds by category, largest first. */
  readonly categories: readonly (readonly [string, number])[];
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

function category(node: ProfileNode | undefined): string {
  if (node === undefined) return 'other';
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') return 'idle (waiting for I/O)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8/native';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (module !== undefined) return module;
  const layer = /\/(?:src|dist)\/([^/]+)\//.exec(url)?.[1];
  if (layer !== undefined) return `kargo ${layer}/`;
  if (url.includes('/bench/')) return 'bench';
  if (url.startsWith('node:internal/modules') || functionName === 'compileFunction' || functionName === 'wrapSafe') return 'module loading';
  if (url.startsWith('node:') || url === '') return 'Node.js internals (http, streams, fs, …)';
  return 'other';
}

/** Profiles `work` at a 1 ms sampling interval. */
export async function profile<T>(work: () => Promise<T>): Promise<{ result: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await session.post('Profiler.start');
    const result = await work();
    const { profile: data } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    return { result, summary: summarise(data) };
  } finally {
    session.disconnect();
  }
}

/** The summary of the first .cpuprofile file `node --cpu-prof --cpu-prof-dir=dir` wrote. */
export function summariseProfileDir(dir: string): ProfileSummary | undefined {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  return file === undefined ? undefined : summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
}

function summarise(data: CpuProfile): ProfileSummary {
  const nodes = new Map(data.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let total = 0;
  const deltas = data.timeDeltas ?? [];
  (data.samples ?? []).forEach((id, index) => {
    const ms = (deltas[index] ?? 0) / 1000;
    total += ms;
    const name = category(nodes.get(id));
    totals.set(name, (totals.get(name) ?? 0) + ms);
  });
  return { totalMs: total, categories: [...totals].sort((a, b) => b[1] - a[1]) };
}

/** "idle 55%, yaml 12%, …" (categories of at least 2%). */
export function describeProfile(summary: ProfileSummary): string {
  return summary.categories
    .filter(([, ms]) => ms / summary.totalMs >= 0.02)
    .map(([name, ms]) => `${name} ${((ms / summary.totalMs) * 100).toFixed(0)}%`)
    .join(', ');
}
