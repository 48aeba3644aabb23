/**
 * `npm run bench`: Kargo against `docker stack deploy` on one throwaway swarm, every figure from
 * this one run. Progress on stderr; the Markdown table on stdout and, with the machine, engine
 * and notes, in docs/benchmarks.md (or --out).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ensureBuilt } from './build.js';
import { kargoColdAsProcess, kargoColdWithWorkers, kargoSeries, namesAt, stackSeries, type Runs } from './converge.js';
import { convergeRows, type ConvergeResult } from './converge-rows.js';
import { withEngine } from './engine.js';
import { profileKargo, type KargoProfiles } from './kargo-profile.js';
import { probeEngine, type ProbeResult } from './engine-probe.js';
import { benchNetwork } from './fixtures.js';
import { removeNamespace, runChild } from './measure.js';
import { repoRoot } from './paths.js';
import { cpuSection, methodSection, probeSection, reactionSection, resourcesSection, validateSection, warningsSection, whySection } from './notes.js';
import { benchUsage, parseBenchOptions, UsageRequested, type BenchOptions } from './options.js';
import { say } from './progress.js';
import { measureReaction, reactionRows, type ReactionResult } from './reaction.js';
import { measurementTable, reportDocument, type Miss, type Row } from './report.js';
import { ignoreClient } from './request-counter.js';
import { measureResources, resourcesRow, type ResourcesResult } from './resources.js';
import { loadAverageNow, machineInfo } from './system.js';
import { dockerCli } from './tools.js';
import { measureValidate, validateRows, type ValidateResult } from './validate.js';


interface Collected {
  rows: Row[];
  misses: Miss[];
  converge: ConvergeResult[];
  reaction: ReactionResult[];
  probes: ProbeResult[];
  moreWorkers?: { workers: number; runs: Runs };
  profiles?: KargoProfiles;
  resources?: ResourcesResult;
  validate?: ValidateResult;
  warnings: string[];
  engine: string;
  dockerCli: string;
}

function add(collected: Collected, part: { rows: Row[]; misses: Miss[] }): void {
  collected.rows.push(...part.rows);
  collected.misses.push(...part.misses);
}

async function runBench(options: BenchOptions, root: string, collected: Collected): Promise<void> {
  const wants = (phase: Parameters<typeof options.phases.has>[0]): boolean => options.phases.has(phase);
  if (wants('validate') || wants('resources') || wants('converge')) {
    const warning = await ensureBuilt(repoRoot, say);
    if (warning !== undefined) collected.warnings.push(warning);
  }
  if (wants('validate')) {
    say(`validate: ${String(options.validate)} manifests`);
    collected.validate = await measureValidate(options.validate, root);
    add(collected, validateRows(collected.validate));
  }
  if (!wants('converge') && !wants('reaction') && !wants('resources')) return;
  await withEngine(say, async (engine) => {
    ignoreClient(engine.swarm);
    const version = await engine.docker.version();
    collected.engine = `Docker Engine ${version.Version} (API ${version.ApiVersion}), swarm mode, single node`;
    const cli = await runChild(dockerCli, ['version', '--format', '{{.Client.Version}}'], { ...process.env, DOCKER_HOST: engine.dockerHost });
    collected.dockerCli = `${cli.stdout.trim()} (${dockerCli})`;
    await engine.docker.createNetwork({ Name: benchNetwork, Driver: 'overlay', Attachable: true });
    const largest = Math.max(...options.sizes);
    for (const n of options.sizes) {
      if (!wants('converge') && !wants('reaction')) break;
      const context = { engine, n, root, workers: options.workers, repeats: options.repeats, say };
      say(`N=${String(n)}: Kargo`);
      const kargo = await kargoSeries(context);
      if (wants('converge') && n === largest) {
        const workers = options.workers * 2;
        collected.moreWorkers = { workers, runs: await kargoColdWithWorkers(context, workers) };
        collected.profiles = await profileKargo(context);
      }
      if (wants('reaction')) {
        const reaction = await measureReaction(engine, n, options.edits, options.workers, options.debounce, root, say);
        collected.reaction.push(reaction);
        add(collected, reactionRows(reaction));
      }
      if (wants('converge')) {
        say(`N=${String(n)}: probing the engine's cost per request`);
        collected.probes.push(await probeEngine(engine, n));
      }
      await removeNamespace(engine.swarm, namesAt(n).namespace);
      if (!wants('converge')) continue;
      // On an engine without Kargo's series, as the stack deploys below find it.
      const kargoAsProcess = await kargoColdAsProcess(context);
      say(`N=${String(n)}: docker stack deploy`);
      const stack = await stackSeries(context);
      await removeNamespace(engine.swarm, namesAt(n).stack);
      const result = { n, kargo, stack, kargoAsProcess };
      collected.converge.push(result);
      add(collected, convergeRows(result, options.workers));
    }
    if (wants('resources')) {
      say(`resources: Kargo managing ${String(options.steadyServices)} services (child process)`);
      collected.resources = await measureResources(engine, options.steadyServices, options.steadyMs, options.resync, options.workers, root, say);
      add(collected, resourcesRow(collected.resources));
    }
  });
}

/** `commit 1234abc` of the checkout, with a note when src/ has changes not committed (read-only git). */
async function kargoRevision(): Promise<string> {
  const head = await runChild('git', ['rev-parse', '--short', 'HEAD'], process.env, repoRoot);
  if (head.code !== 0) return 'not a git checkout';
  const status = await runChild('git', ['--no-optional-locks', 'status', '--porcelain', '--', 'src'], process.env, repoRoot);
  return `commit ${head.stdout.trim()}${status.stdout.trim() === '' ? '' : ' plus uncommitted changes in src/'}`;
}

async function benchMain(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    if (error instanceof UsageRequested) {
      process.stdout.write(benchUsage);
      return 0;
    }
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${benchUsage}`);
    return 2;
  }
  const started = performance.now();
  const machine = machineInfo();
  const root = mkdtempSync(join(tmpdir(), 'kargo-bench-'));
  const collected: Collected = { rows: [], misses: [], converge: [], reaction: [], probes: [], warnings: [], engine: 'not started', dockerCli: dockerCli };
  try {
    await runBench(options, root, collected);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const rows = [...collected.rows].sort((a, b) => a.what.localeCompare(b.what) || a.n - b.n);
  const notes = { converge: collected.converge, reaction: collected.reaction, workers: options.workers, nproc: machine.nproc, warnings: collected.warnings, probes: collected.probes, ...(collected.moreWorkers === undefined ? {} : { moreWorkers: collected.moreWorkers }), ...(collected.profiles === undefined ? {} : { profiles: collected.profiles }), ...(collected.validate === undefined ? {} : { validate: collected.validate }), ...(collected.resources === undefined ? {} : { resources: collected.resources }) };
  const sections = [whySection(notes), probeSection(notes), cpuSection(notes), reactionSection(notes), resourcesSection(notes), validateSection(notes), methodSection(notes), warningsSection(notes)].filter((section) => section !== '');
  const document = reportDocument(
    { rows, sections: collected.converge.length === 0 ? sections.filter((section) => !section.startsWith('## Why')) : sections, misses: collected.misses },
    {
      machine,
      engine: collected.engine,
      dockerCli: collected.dockerCli,
      date: new Date(),
      commandLine: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
      totalSeconds: (performance.now() - started) / 1000,
      loadAfter: loadAverageNow(),
      kargoRevision: await kargoRevision(),
    },
  );
  const out = resolve(repoRoot, options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, document);
  process.stdout.write(`${measurementTable(rows)}\n`);
  say(`report written to ${out}`);
  return 0;
}

try {
  process.exitCode = await benchMain(process.argv.slice(2));
} catch (error) {
  say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
