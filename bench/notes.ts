/** The report's sections after the table: method, where the time went, and why. */
import { medianRun, type Runs, type ToolRun } from './converge.js';
import { coldSpeedupTarget, coldTargetSize } from './converge-rows.js';
import type { ConvergeResult } from './converge-rows.js';
import { cpuTable } from './converge-rows.js';
import { probeTable, type ProbeResult } from './engine-probe.js';
import type { KargoProfiles } from './kargo-profile.js';
import { median, percentile } from './measure.js';
import { describeProfile } from './profile.js';
import type { ReactionResult } from './reaction.js';
import { describeCounts } from './request-counter.js';
import { markdownTable, ms, times } from './report.js';
import { resourcesNote, type ResourcesResult } from './resources.js';
import { validateNote, type ValidateResult } from './validate.js';

export interface NotesInput {
  readonly converge: readonly ConvergeResult[];
  /** Engine cost per request, one probe per size. */
  readonly probes: readonly ProbeResult[];
  readonly reaction: readonly ReactionResult[];
  readonly resources?: ResourcesResult;
  readonly validate?: ValidateResult;
  /** One extra cold converge at the largest N with more workers. */
  readonly moreWorkers?: { readonly workers: number; readonly runs: Runs };
  /** CPU profiles of one extra cold converge and no-op resync of Kargo. */
  readonly profiles?: KargoProfiles;
  readonly workers: number;
  readonly nproc: number;
  readonly warnings: readonly string[];
}

export function methodSection(input: NotesInput): string {
  return `## How it was measured

- \`$BENCH\` is the run's temporary directory. Each N gets its own generated data (\`svc-0000\`…:
  image \`kargo-local/http:1\`, three env variables, two labels, replicas 0, attached to one
  external overlay network \`kargo-bench\` with the service name as alias), written once as
  GeoService manifests (one file each) and once as a compose file. A stack service always joins
  a network, so the manifests name the same one.
- Kargo runs in-process through its CLI entry \`main()\` (\`kargo run --once\`, Kargo's default of
  ${String(input.workers)} workers passed explicitly as \`--workers ${String(input.workers)}\`, logs off); \`docker stack deploy\` is the Docker CLI as a
  child process (its default \`--detach\`: it exits once its requests are answered, where
  \`run --once\` also waits until every service is Ready). The CLI's wall time includes its process
  start; Kargo's excludes Node.js's start (see the validate row for that cost).
- Each tool's series runs on an engine holding only its own N services (the other's are removed
  first), in the order cold converge → no-op → one change.
- Writes: Kargo's are the create/update/remove requests its SwarmClient sent (the points that feed
  \`kargo_docker_api_requests_total\`), cross-checked by reading that metric in the reaction runs;
  for both tools the engine's own \`Version.Index\` of every service is compared before and after
  (read once it stops moving). "Engine event" times are when the engine's service \`update\` event
  for the changed service reached the bench.
- Reaction: edits are made one at a time, each after Kargo settled; the file write is timed with
  \`performance.now()\` just before \`writeFileSync\`, the update at the SwarmClient subclass's
  \`updateService\`. With ${String(input.reaction[0]?.fileSent.length ?? 50)} samples p99 is the slowest edit.
- CPU: \`/proc/<pid>/stat\` utime+stime of dockerd and of the child processes (the docker CLI via
  this process's cutime/cstime), \`process.cpuUsage()\` for in-process Kargo. The machine has
  ${String(input.nproc)} CPU(s) shared by dockerd, Kargo and the bench.`;
}

export function cpuSection(input: NotesInput): string {
  if (input.converge.length === 0) return '';
  const table = markdownTable(
    ['run', 'N', 'Kargo wall', 'Kargo CPU', 'dockerd CPU (Kargo run)', 'requests Kargo sent', 'stack wall', 'docker CLI CPU', 'dockerd CPU (stack run)'],
    cpuTable(input.converge),
  );
  return `## Where the time went\n\n${table}`;
}

/** One line on a comparison: requests, CPU on both sides, and where Kargo's run ended. */
function comparisonLine(label: string, n: number, k: ToolRun, s: ToolRun): string {
  const engineShare = k.cpu.engineMs / k.ms;
  const kargoShare = k.cpu.toolMs / k.ms;
  const bound =
    engineShare >= kargoShare
      ? `the engine was the busier side (dockerd CPU ${(engineShare * 100).toFixed(0)}% of the wall time, Kargo's ${(kargoShare * 100).toFixed(0)}%)`
      : `Kargo's own CPU was the larger share (${(kargoShare * 100).toFixed(0)}% of the wall time, dockerd ${(engineShare * 100).toFixed(0)}%; see the profile below)`;
  const first = k.firstWriteMs === undefined ? '' : ` Kargo's first write went out ${ms(k.firstWriteMs)} after its start (connecting, reading and validating the ${String(n)} manifests, listing the services)${k.lastWriteMs === undefined ? '' : `, its last ${ms(k.lastWriteMs)} after`}.`;
  const tail = k.lastRequestMs === undefined ? '' : ` Its last request went out ${ms(k.ms - k.lastRequestMs)} before the run ended.`;
  return `- ${label}, N=${String(n)}: Kargo ${ms(k.ms)} vs ${ms(s.ms)} (medians). Kargo sent ${describeCounts(k.requests ?? {})}; dockerd spent ${ms(k.cpu.engineMs)} of CPU on Kargo's run vs ${ms(s.cpu.engineMs)} on the CLI's (${times(k.cpu.engineMs / s.cpu.engineMs)}); ${bound}.${first}${tail}`;
}

/** The engine's cost per request, with why Kargo's own lookup is by name. */
export function probeSection(input: NotesInput): string {
  const probes = [...input.probes].sort((a, b) => a.services - b.services);
  const small = probes[0];
  const large = probes.at(-1);
  if (small === undefined || large === undefined) return '';
  const cost = (probe: ProbeResult, match: (request: string) => boolean): string => (probe.lines.find((entry) => match(entry.request))?.engineCpuMs ?? Number.NaN).toFixed(2);
  const isLabel = (request: string): boolean => request.includes('io.kargo.geoservice');
  const isName = (request: string): boolean => request.includes('"name"');
  return `## Engine cost per request

Measured on this run's engine, ${String(large.calls)} sequential calls each, with one series' services in the swarm:

${probeTable(probes)}

When a reconcile reads its service for itself (after a Docker event or a manifest edit), Kargo
looks it up **by name**: ${cost(small, isName)} ms of dockerd CPU with ${String(small.services)} services, ${cost(large, isName)} ms with ${String(large.services)}.
The same lookup with a label filter (\`io.kargo.geoservice=<key>\`), as Kargo did before, costs
more the more services the swarm holds (${cost(small, isLabel)} ms, ${cost(large, isLabel)} ms): swarmkit's ListServices has
indexes for names and id prefixes only, so for a label filter it copies every service in its
store and filters them.`;
}

/** "Why": every comparison Kargo lost, and every converge target it missed, with this run's numbers. */
export function whySection(input: NotesInput): string {
  const lines: string[] = [];
  for (const { n, kargo, stack, kargoAsProcess } of input.converge) {
    const cold = [medianRun(kargo.cold), medianRun(stack.cold)] as const;
    const noop = [medianRun(kargo.noop), medianRun(stack.noop)] as const;
    const coldRatio = cold[1].ms / cold[0].ms;
    const tie = (k: ToolRun, s: ToolRun): boolean => Math.abs(k.ms - s.ms) <= 0.05 * s.ms;
    if (tie(...cold) && !(n === coldTargetSize && coldRatio < coldSpeedupTarget)) lines.push(`- cold converge, N=${String(n)}: a tie (Kargo ${ms(cold[0].ms)}, the CLI ${ms(cold[1].ms)}, medians; within 5%).`);
    else if (cold[0].ms > cold[1].ms || (n === coldTargetSize && coldRatio < coldSpeedupTarget)) lines.push(comparisonLine('cold converge', n, ...cold));
    if (tie(...noop)) lines.push(`- no-op resync, N=${String(n)}: a tie (Kargo ${ms(noop[0].ms)}, the CLI ${ms(noop[1].ms)}, medians; within 5%).`);
    else if (noop[0].ms > noop[1].ms) lines.push(comparisonLine('no-op resync', n, ...noop));
    const fresh = kargoAsProcess === undefined || kargoAsProcess.length === 0 ? undefined : medianRun(kargoAsProcess);
    if (fresh !== undefined && fresh.ms > cold[1].ms) lines.push(processLine(n, fresh, ...cold, input.validate));
  }
  if (lines.length === 0) return '## Why\n\nKargo was not slower than `docker stack deploy` in any comparison of this run, and met its converge targets.';
  return `## Why Kargo is slower than \`docker stack deploy\`, or not fast enough, where it is

${lines.join('\n')}
${floorLine(input)}
- ${workersLine(input)}${profileLine(input)}`;
}

/** Kargo's cold converge as a fresh process against its in-process runs and the CLI. */
function processLine(n: number, fresh: ToolRun, inProcess: ToolRun, stack: ToolRun, validate: ValidateResult | undefined): string {
  const ratio = stack.ms / fresh.ms;
  const loading =
    validate === undefined
      ? "loading Kargo's bundle"
      : `loading Kargo's bundle (Node.js alone starts in ${ms(median(validate.nodeStartMs))}, and in ${ms(median(validate.runImportMs))} with the run command's modules loaded: dockerode, pino, yaml, …)`;
  return `- cold converge as a fresh process, N=${String(n)}: \`node dist/cli/main.js run --once\` took ${ms(fresh.ms)} (median; CPU ${ms(fresh.cpu.toolMs)}), against ${ms(inProcess.ms)} for the in-process runs and ${ms(stack.ms)} for the CLI (${ratio >= 1 ? `Kargo ${times(ratio)} faster` : `Kargo ${times(1 / ratio)} slower`}). The difference from the in-process runs is Node.js's start, ${loading}, and running Kargo's code before V8 has optimised it: the in-process runs follow other runs in the same process. The CLI is a compiled Go program and pays none of this.`;
}

/**
 * The cold-converge floor: the engine's CPU for N creates (from the probe at that size), against
 * both tools' runs. Shown when the target size was measured.
 */
function floorLine(input: NotesInput): string {
  const result = input.converge.find(({ n }) => n === coldTargetSize);
  const probe = input.probes.find((entry) => entry.services >= coldTargetSize) ?? input.probes.at(-1);
  const create = probe?.lines.find((line) => line.request.includes('create'))?.engineCpuMs;
  if (result === undefined || create === undefined) return '';
  const kargo = medianRun(result.kargo.cold);
  const stack = medianRun(result.stack.cold);
  const cores = String(input.nproc);
  const needed = stack.ms / coldSpeedupTarget;
  const target = `${times(coldSpeedupTarget)} faster than this run's CLI means ${ms(needed)}`;
  // No schedule of this much CPU work on nproc cores ends sooner, however well it overlaps.
  const cpuBound = (kargo.cpu.toolMs + kargo.cpu.engineMs) / input.nproc;
  const lines = [
    `- The floor: one create costs the engine ${create.toFixed(2)} ms of dockerd CPU (table below), ${ms(create * result.n)} for ${String(result.n)}; dockerd spent ${ms(kargo.cpu.engineMs)} on Kargo's cold converge and ${ms(stack.cpu.engineMs)} on the CLI's, whose whole run took ${ms(stack.ms)}. Kargo sent ${describeCounts(kargo.requests ?? {})}: its gain can only come from overlapping its creates where the CLI sends them one after the other, and the ${cores} CPU(s) here are shared by dockerd, Kargo and the bench.`,
    `- The CPU bound: Kargo's median run used ${ms(kargo.cpu.toolMs)} of its own CPU and ${ms(kargo.cpu.engineMs)} of dockerd's, ${ms(cpuBound)} of wall time on ${cores} CPU(s) even if every bit of it overlapped perfectly. ${target}: ${cpuBound >= needed ? 'out of reach on this machine without Kargo or the engine doing less work' : `${ms(needed - cpuBound)} above this bound, but see the next line`}.`,
  ];
  const first = kargo.firstWriteMs;
  if (first !== undefined) {
    // Before its first create Kargo's thread is busy reading and checking the manifests, the engine idle.
    const creatingMs = (Math.max(0, kargo.cpu.toolMs - first) + kargo.cpu.engineMs) / input.nproc;
    const ordered = first + creatingMs;
    lines.push(
      `- The bound in order: no write may go out before every manifest is read and cross-checked (a duplicate name anywhere rejects both manifests, a port clash its manifests). Kargo's first create went out ${ms(first)} after its start; the creates then cost the rest of Kargo's CPU and dockerd's, at least ${ms(creatingMs)} on ${cores} CPU(s): about ${ms(ordered)} in all (Kargo's thread counted busy until its first create), ${times(stack.ms / ordered)} faster than the CLI at best, against Kargo's ${ms(kargo.ms)}. ${target}: ${ordered > needed ? 'below that bound on this machine' : 'above it'}.`,
    );
  }
  return lines.join('\n');
}

function profileLine(input: NotesInput): string {
  const profiles = input.profiles;
  if (profiles === undefined) return '';
  return `
- Kargo's side, from a CPU profile of one extra in-process run at N=${String(profiles.n)} (V8 sampler, time by where the code lives; "idle" is Kargo waiting, here for the engine's answers):
  cold converge ${ms(profiles.cold.totalMs)}: ${describeProfile(profiles.cold)};
  no-op resync ${ms(profiles.noop.totalMs)}: ${describeProfile(profiles.noop)}.`;
}

function workersLine(input: NotesInput): string {
  const more = input.moreWorkers;
  const largest = [...input.converge].sort((a, b) => b.n - a.n)[0];
  if (more === undefined || largest === undefined) return `${String(input.nproc)} CPU(s) are shared by dockerd, Kargo and the bench.`;
  const base = medianRun(largest.kargo.cold);
  const run = medianRun(more.runs);
  // The extra runs come after the main series, when Node.js has compiled more of the code: the
  // main series' last run is the fairer yardstick.
  const last = largest.kargo.cold.at(-1) ?? base;
  const helped = run.ms < Math.min(base.ms, last.ms) * 0.9;
  return `Parallelism: with \`--workers ${String(more.workers)}\` instead of ${String(input.workers)}, a cold converge at N=${String(largest.n)} took ${ms(run.ms)} (median of ${String(more.runs.length)}: ${more.runs.map((r) => ms(r.ms)).join(', ')}; dockerd CPU ${ms(run.cpu.engineMs)}) against ${ms(base.ms)} (dockerd CPU ${ms(base.cpu.engineMs)}), and ${ms(last.ms)} for the last run of the main series (these runs come after it, when Node.js has compiled more of Kargo's code): ${helped ? 'more workers helped' : 'more workers did not clearly help'} (the machine's ${String(input.nproc)} CPU(s) are shared by dockerd, Kargo and the bench).`;
}

export function validateSection(input: NotesInput): string {
  return input.validate === undefined ? '' : `## Validation details\n\n${validateNote(input.validate)}`;
}

export function reactionSection(input: NotesInput): string {
  if (input.reaction.length === 0) return '';
  const lines = input.reaction.map(
    (r) =>
      `- N=${String(r.n)}: first full sync on the existing services took ${ms(r.firstSyncMs)} and sent ${String(r.firstSyncWrites)} writes (by \`kargo_docker_api_requests_total\`); over the whole run the metric counted ${String(r.totalWrites)} writes for ${String(r.fileSent.length + r.driftDone.length)} answered edits; ${String(r.missed)} edit(s) got no update within 15 s. Manifest edit → update sent: p50 ${ms(percentile(r.fileSent, 50))}, p90 ${ms(percentile(r.fileSent, 90))}, max ${ms(Math.max(...r.fileSent))}.`,
  );
  const sizes = [...input.reaction].sort((a, b) => a.n - b.n);
  const smallest = sizes[0];
  const largest = sizes.at(-1);
  const growth =
    smallest === undefined || largest === undefined || smallest === largest
      ? ''
      : ` The file-edit latency grows with N (p50 ${ms(percentile(smallest.fileSent, 50))} at N=${String(smallest.n)}, ${ms(percentile(largest.fileSent, 50))} at N=${String(largest.n)}): every change re-reads the whole directory (parsing again only the files whose text changed) and re-checks the rules between manifests before the one changed GeoService is queued.`;
  return `## Reaction latency details

Kargo's debounce was ${input.reaction[0]?.debounce ?? '100ms'} (its default): a file event is acted on after 100 ms of quiet, then
the whole manifests directory is read again (only files whose text changed are parsed again), and
only the changed GeoService is queued.
An out-of-band edit reaches Kargo as a Docker service event; the reconcile re-reads the service,
diffs and sends the reverting update.${growth}

${lines.join('\n')}`;
}

export function resourcesSection(input: NotesInput): string {
  return input.resources === undefined ? '' : `## Resources details\n\n${resourcesNote(input.resources)}`;
}

export function warningsSection(input: NotesInput): string {
  return input.warnings.length === 0 ? '' : `## Warnings\n\n${input.warnings.map((warning) => `- ${warning}`).join('\n')}`;
}
