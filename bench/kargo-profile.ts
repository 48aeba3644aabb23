/** One extra profiled cold converge and no-op resync of Kargo at one size (not timed runs). */
import { join } from 'node:path';
import { namesAt, type SizeContext } from './converge.js';
import { benchServices, writeManifests } from './fixtures.js';
import { quiet, removeNamespace } from './measure.js';
import { dockerdPid, processCpuMs } from './system.js';
import { profile, type ProfileSummary } from './profile.js';
import { kargoOnce } from './tools.js';

export interface KargoProfiles {
  readonly n: number;
  readonly cold: ProfileSummary;
  readonly noop: ProfileSummary;
}

/** Profiles a cold converge into a throwaway namespace and a no-op resync of the series' namespace. */
export async function profileKargo(context: SizeContext): Promise<KargoProfiles> {
  const { engine, n, root, workers, say } = context;
  const names = namesAt(n);
  const namespace = `${names.namespace}-prof`;
  const dir = join(root, `${names.manifests}-prof`);
  writeManifests(dir, benchServices(n), namespace);
  say(`  profiling one Kargo cold converge and one no-op resync at N=${String(n)}`);
  const dockerd = dockerdPid(engine.stateDir);
  await quiet(() => processCpuMs(dockerd));
  const cold = await profile(() => kargoOnce(engine.dockerHost, dir, namespace, workers));
  await removeNamespace(engine.swarm, namespace);
  await quiet(() => processCpuMs(dockerd));
  const noop = await profile(() => kargoOnce(engine.dockerHost, join(root, names.manifests), names.namespace, workers));
  if (cold.result.exitCode !== 0 || noop.result.exitCode !== 0) throw new Error('a profiled kargo run --once failed');
  return { n, cold: cold.summary, noop: noop.summary };
}
