/**
 * The benchmark's one private swarm: started once, always stopped (also on Ctrl-C or SIGTERM),
 * with the local http image built on it. Child processes the benchmark starts are registered
 * here so that an interrupted run kills them before the engine goes.
 */
import type { ChildProcess } from 'node:child_process';
import { buildLocalImages, localImages } from '../src/sandbox/local-images.js';
import { startPrivateEngine, type PrivateEngine } from '../src/sandbox/private-engine.js';
import type { Say } from './progress.js';

const children = new Set<ChildProcess>();

/** Kills `child` if the run is interrupted while it runs. */
export function registerChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  }
}

/** Starts the engine, builds the image, runs `work`, and stops the engine whatever happens. */
export async function withEngine<T>(say: Say, work: (engine: PrivateEngine) => Promise<T>): Promise<T> {
  let engine: PrivateEngine | undefined;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    killChildren();
    stopping ??= engine?.stop() ?? Promise.resolve();
    await stopping;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    say(`${signal}: stopping the private engine`);
    void stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    engine = await startPrivateEngine({ say });
    await buildLocalImages(engine.docker, [localImages.http], say);
    return await work(engine);
  } finally {
    say('stopping the private engine');
    await stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
