import { parseArgs } from 'node:util';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { secretOpeningOf } from '../../adapters/files/age-identities.js';
import { writeDemoManifests } from '../../demo/demo-directory.js';
import { exampleAgeIdentityFile } from '../../demo/examples.js';
import { prepareGeoImages } from '../../demo/demo-images.js';
import { humanLogStream } from '../../demo/human-log.js';
import { saveMap, stackLinksWhenAnswering, type StackLink } from '../../demo/map-links.js';
import { PublishedPorts } from '../../demo/published-ports.js';
import { waitForStack, watchRollouts } from '../../demo/stack-watch.js';
import { whereToLook } from '../../demo/where-to-look.js';
import { createLogger } from '../../observability/logger.js';
import { startRuntime, type KargoRuntime } from '../../runtime/kargo-runtime.js';
import { defaultImageCacheDir } from '../../sandbox/geo-images.js';
import { startPrivateEngine, type PrivateEngine } from '../../sandbox/private-engine.js';
import { describeError } from '../../errors.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { firstStopSignal } from '../stop-signals.js';
import { paint } from '../terminal-style.js';
import { kargoVersion } from '../version.js';

export const demoUsage = `Usage: kargo demo [--listen HOST:PORT]

Runs a real map stack with Kargo on a throwaway local swarm: starts a private Docker engine (its
own socket, data and network namespace; never your own engine), makes the geo images ready
(MapServer, PostGIS, MapCache, Krawler: built from Debian packages the first time, then kept),
writes the examples as demo manifests to .kargo/demo/manifests, runs Kargo on them with its status
API and /metrics on localhost (default 127.0.0.1:9469, env KARGO_LISTEN), runs the Krawler job at
once, and prints WMS and WMTS URLs that answer from this machine. The map is saved as a PNG to
.kargo/demo-map.png, and again each time MapServer rolls out an edited mapfile.
Ctrl-C removes everything it made but the images (KARGO_IMAGE_CACHE, default
/var/cache/kargo-images for root) and the saved map.
`;

/** `kargo demo`: the quick start. */
export async function demoCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  // Strict: an unknown flag or --listen without its value is a usage error, not ignored.
  const { values } = parseArgs({ args: [...argv], options: { listen: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help === true) {
    io.stdout.write(demoUsage);
    return ExitCode.Ok;
  }
  const listen = values.listen ?? env['KARGO_LISTEN'] ?? '127.0.0.1:9469';
  const style = paint(io.colour === true);
  const step = (text: string): void => {
    io.stdout.write(`${style.bold('▸')} ${text}\n`);
  };
  const detail = (line: string): void => {
    io.stdout.write(`  ${style.dim(line)}\n`);
  };
  const workDir = resolve('.kargo', 'demo');
  const manifests = join(workDir, 'manifests');
  const mapFile = resolve('.kargo', 'demo-map.png');
  const cacheDir = defaultImageCacheDir(env);
  const imageStore = join(cacheDir, 'demo-engine');
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;

  step('starting a private Docker engine in swarm mode (its own socket, data and network namespace)');
  const engine = await startPrivateEngine({ say: detail, keepImagesIn: imageStore });
  const stopped = firstStopSignal(() => step('already stopping: the engine and its directories are being removed'));
  // A Ctrl-C before the stack is up ends the waiting too.
  const interrupted = { yes: false };
  void stopped.then(() => (interrupted.yes = true));
  const ports = new PublishedPorts(engine);
  let runtime: KargoRuntime | undefined;
  let stopRerunning = (): void => undefined;
  let stopWatching = (): void => undefined;
  try {
    step(`making the geo images ready (${elapsed()}; the first time on a machine builds them from Debian packages: a few minutes)`);
    // A first build takes minutes: Ctrl-C must not wait for it (its steps get the terminal's SIGINT too).
    const images = prepareGeoImages(engine.docker, cacheDir, detail).then(() => 'ready' as const);
    images.catch(() => undefined);
    if ((await Promise.race([images, stopped])) !== 'ready') return await stopNow(stopped, step);
    step(`writing the demo manifests to ${manifests}`);
    const written = writeDemoManifests(manifests, { healthCheckInterval: '2s', updateDelay: '0s' });
    detail(`${String(written.manifests.length)} manifests (${written.manifests.join(', ')}) and the files they name (${written.copied.join(', ')})`);
    for (const out of written.leftOut) detail(`left out: ${out.object} of examples/${out.file}: ${out.reason}`);
    step(`starting Kargo on them (${elapsed()})`);
    const logger = createLogger('info', humanLogStream(detail));
    runtime = await startRuntime({
      swarm: engine.swarm,
      logger,
      version: kargoVersion(),
      listen,
      reachPublishedPort: ports.origin,
      settings: {
        manifests,
        secrets: secretOpeningOf(exampleAgeIdentityFile, 'refuse'),
        workers: 8,
        backoffBaseMs: 1000,
        backoffCapMs: 30_000,
        prune: true,
        allowEmpty: false,
        retryFailures: true,
        debounceMs: 100,
        resyncMs: 300_000,
        watch: true,
      },
    });
    const kargo = runtime;
    const url = `http://127.0.0.1:${String(kargo.port ?? 9469)}`;
    await Promise.race([kargo.started, stopped]);
    stopRerunning = runJobsNow(kargo, step);
    const up = await waitForStack({
      statuses: kargo.operator.controller.statuses,
      snapshot: () => kargo.operator.controller.currentSnapshot,
      stopped: () => interrupted.yes,
      say: step,
      note: detail,
      elapsed,
    });
    stopRerunning();
    const snapshot = kargo.operator.controller.currentSnapshot;
    if (!up || snapshot === undefined) return await stopNow(stopped, step);
    const links = (await stackLinksWhenAnswering(snapshot, ports.origin, { stopped: () => interrupted.yes, say: step })) ?? [];
    const map = links.find((link) => link.sample?.kind === 'GetMap');
    let saved = false;
    if (map?.sample !== undefined) {
      const bytes = await saveMap(map.sample.url, mapFile).catch((error: unknown) => step(`the map of ${map.key} could not be saved: ${describeError(error)}`));
      if (bytes !== undefined) step(`saved the map of ${map.key} to ${mapFile} (${String(bytes)} bytes)`);
      saved = bytes !== undefined;
    }
    io.stdout.write(
      whereToLook({
        links,
        manifests,
        url,
        dockerHost: engine.dockerHost,
        took: elapsed(),
        emphasis: style.green,
        ...(saved ? { mapFile } : {}),
        ...(engine.keptDataRoot === undefined ? {} : { imageStore }),
      }),
    );
    if (map?.sample !== undefined) stopWatching = watchMap(kargo, map, mapFile, step, elapsed);
    step(`${await stopped}: stopping Kargo`);
  } finally {
    // Each step runs even when the one before it failed: the engine must never outlive the demo.
    stopRerunning();
    stopWatching();
    try {
      await runtime?.stop();
    } finally {
      try {
        await ports.close();
      } finally {
        await tearDown(engine, { workDir, imageStore, mapFile }, step, elapsed);
      }
    }
  }
  return ExitCode.Ok;
}

async function stopNow(stopped: Promise<NodeJS.Signals>, step: (text: string) => void): Promise<number> {
  step(`${await stopped}: stopping before the stack was up`);
  return ExitCode.Ok;
}

/**
 * Runs every GeoJob now rather than at its next slot (the map shows what the job loads): a run
 * asked for waits for what the job depends on (spec.dependsOn). A run that fails before the stack
 * is up (a job without dependsOn started too early, a transient error) is run again, once per
 * failure, rather than at its next slot. Returns the stop of the retries.
 */
function runJobsNow(runtime: KargoRuntime, step: (text: string) => void): () => void {
  const controller = runtime.operator.controller;
  for (const key of controller.currentSnapshot?.jobs.keys() ?? []) {
    if (controller.requestRun(key)) step(`running ${key} now rather than at its next slot (once what it depends on is Ready)`);
  }
  const retried = new Set<string>();
  const timer = setInterval(() => {
    for (const key of controller.currentSnapshot?.jobs.keys() ?? []) {
      const job = controller.statuses.get(key)?.job;
      const failed = job?.lastFailed;
      if (job === undefined || failed === undefined || job.lastSuccessful !== undefined || job.active.length > 0 || retried.has(failed.name)) continue;
      retried.add(failed.name);
      if (controller.requestRun(key)) step(`${key}: run ${failed.name} failed (${failed.error ?? `exit ${String(failed.exitCode ?? '?')}`}): running it again`);
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Saves the map again each time its GeoService turns Ready on a new spec (an edited mapfile). */
function watchMap(runtime: KargoRuntime, link: StackLink, mapFile: string, step: (text: string) => void, elapsed: () => string): () => void {
  const statuses = runtime.operator.controller.statuses;
  let failedAt: string | undefined;
  return watchRollouts(statuses, link.key, statuses.get(link.key)?.specHash, async (specHash) => {
    try {
      const bytes = await saveMap(link.sample?.url ?? '', mapFile);
      step(`${link.key} rolled out a new spec (${specHash.slice(0, 12)}): saved the map again to ${mapFile} (${String(bytes)} bytes, ${elapsed()})`);
    } catch (error) {
      if (failedAt !== specHash) step(`${link.key} rolled out a new spec (${specHash.slice(0, 12)}) but its map cannot be saved: ${describeError(error)}`);
      failedAt = specHash;
      throw error;
    }
  });
}

async function tearDown(engine: PrivateEngine, paths: { workDir: string; imageStore: string; mapFile: string }, step: (text: string) => void, elapsed: () => string): Promise<void> {
  step('removing the services, the swarm, the engine and its directories');
  await engine.stop();
  rmSync(paths.workDir, { recursive: true, force: true });
  // .kargo is missing when a first run was stopped while building the images.
  if (existsSync(dirname(paths.workDir)) && readdirSync(dirname(paths.workDir)).length === 0) rmSync(dirname(paths.workDir), { recursive: true, force: true });
  const kept = [...(engine.keptDataRoot === undefined ? [] : [`the images in ${paths.imageStore}`]), ...(existsSync(paths.mapFile) ? [`the map ${paths.mapFile}`] : [])];
  step(`done after ${elapsed()}: nothing is left behind${kept.length === 0 ? '' : ` but ${kept.join(' and ')}`}`);
}
