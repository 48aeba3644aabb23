import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeDemoManifests } from '../../demo/demo-directory.js';
import { humanLogStream } from '../../demo/human-log.js';
import { isReady } from '../../core/status/object-status.js';
import type { StatusReader } from '../../controller/status-store.js';
import { createLogger } from '../../observability/logger.js';
import { startRuntime } from '../../runtime/kargo-runtime.js';
import { buildLocalImages, localImages } from '../../sandbox/local-images.js';
import { startPrivateEngine, type PrivateEngine } from '../../sandbox/private-engine.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { firstStopSignal } from '../stop-signals.js';
import { paint } from '../terminal-style.js';
import { kargoVersion } from '../version.js';

export const demoUsage = `Usage: kargo demo [--listen HOST:PORT]

Runs Kargo for real on a throwaway local swarm: starts a private Docker engine (its own socket,
data and network namespace; never your own engine), builds small local images, writes demo
GeoService manifests to .kargo/demo/manifests, and runs the controller on them with its status
API and /metrics on localhost (default 127.0.0.1:9469, env KARGO_LISTEN).
Edit a manifest to see Kargo roll the service. Ctrl-C removes everything it made.
`;

/** `kargo demo`: the quick start. */
export async function demoCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(demoUsage);
    return ExitCode.Ok;
  }
  const listenFlag = argv.indexOf('--listen');
  const listen = (listenFlag >= 0 ? argv[listenFlag + 1] : undefined) ?? env['KARGO_LISTEN'] ?? '127.0.0.1:9469';
  const style = paint(io.colour === true);
  const step = (text: string): void => {
    io.stdout.write(`${style.bold('▸')} ${text}\n`);
  };
  const workDir = resolve('.kargo', 'demo');
  const manifests = join(workDir, 'manifests');
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;

  step('starting a private Docker engine in swarm mode (its own socket, data and network namespace)');
  const engine = await startPrivateEngine({ say: (line) => io.stdout.write(`  ${style.dim(line)}\n`) });
  const stopped = firstStopSignal(() => step('already stopping: the engine and its directories are being removed'));
  // A Ctrl-C before everything is Ready ends the waiting too.
  const interrupted = { yes: false };
  void stopped.then(() => (interrupted.yes = true));
  try {
    step(`building the local images (${elapsed()})`);
    await buildLocalImages(engine.docker, [localImages.http], (line) => io.stdout.write(`  ${style.dim(line)}\n`));
    step(`writing the demo manifests to ${manifests}`);
    writeDemoManifests(manifests);
    step(`starting Kargo on them (${elapsed()})`);
    const logger = createLogger('info', humanLogStream((line) => io.stdout.write(`  ${style.dim(line)}\n`)));
    const runtime = await startRuntime({
      swarm: engine.swarm,
      logger,
      version: kargoVersion(),
      listen,
      settings: { manifests, workers: 8, backoffBaseMs: 1000, backoffCapMs: 30_000, prune: true, allowEmpty: false, retryFailures: true, debounceMs: 100, resyncMs: 300_000, watch: true },
    });
    const url = `http://127.0.0.1:${String(runtime.port ?? 9469)}`;
    await Promise.race([runtime.started, stopped]);
    await waitUntilAllReady(runtime.operator.controller.statuses, () => interrupted.yes, () => step(`every GeoService is Ready (${elapsed()})`));
    if (!interrupted.yes) io.stdout.write(`
${style.green('Kargo is running.')} Where to look:
  manifests   ${manifests}   (edit one, e.g. spec.env.RESPONSE, and save)
  status      npx tsx src/cli/main.ts status --server ${url}
  status API  ${url}/api/v1/geoservices
  metrics     ${url}/metrics
  swarm       DOCKER_HOST=${engine.dockerHost} docker service ls
Press Ctrl-C to stop and remove everything.
`);
    const signal = await stopped;
    step(`${signal}: stopping Kargo`);
    await runtime.stop();
  } finally {
    await tearDown(engine, workDir, step);
  }
  return ExitCode.Ok;
}

/** Waits until every GeoService is Ready (then calls `done`), or until `stopped` says so. */
async function waitUntilAllReady(statuses: StatusReader, stopped: () => boolean, done: () => void): Promise<void> {
  while (!stopped() && (statuses.size === 0 || ![...statuses.values()].every(isReady))) {
    await new Promise((resolveTick) => setTimeout(resolveTick, 200));
  }
  if (!stopped()) done();
}

async function tearDown(engine: PrivateEngine, workDir: string, step: (text: string) => void): Promise<void> {
  step('removing the services, the swarm, the engine and its directories');
  await engine.stop();
  rmSync(workDir, { recursive: true, force: true });
  if (readdirSync(dirname(workDir)).length === 0) rmSync(dirname(workDir), { recursive: true, force: true });
  step('done: nothing is left behind');
}
