import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { engineIsLive, storeClaimFile } from './engine-teardown.js';

/**
 * An engine data-root kept between runs for its images only. Importing the four geo images from
 * their tarballs takes 20–60 s on every new engine; an engine started on a kept data-root has
 * them at once. Everything else an engine makes there (the swarm, containers, volumes, networks)
 * is removed at its stop, or at the next start when a run was killed.
 *
 * One engine at a time: two dockerd on one data-root corrupt it. The store is claimed by writing
 * the claiming engine's state dir to `in-use-by`; a claim whose engine is gone is stale.
 */
export interface KeptImageStore {
  /** The store: `data/` (the data-root) and the claim. */
  readonly dir: string;
  readonly dataRoot: string;
}

/** The data-root of the store in `dir`, claimed for the engine of `stateDir`; undefined while another live engine uses it. */
export function claimImageStore(dir: string, stateDir: string): KeptImageStore | undefined {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const claim = join(dir, storeClaimFile);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // Exclusive create: of two engines starting at once, one gets the store.
      writeFileSync(claim, stateDir, { flag: 'wx' });
      return { dir, dataRoot: join(dir, 'data') };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
    const holder = readClaim(claim);
    // Empty: a claim being written right now (between its create and its write) is live too.
    if (holder === '' || (holder !== undefined && engineIsLive(holder))) return undefined;
    // Taken over by a rename, which only one of two engines can win: a plain remove could delete
    // the fresh claim the other one made meanwhile.
    const taken = `${claim}.stale-${String(process.pid)}`;
    try {
      renameSync(claim, taken);
    } catch {
      return undefined;
    }
    // What was taken is not the stale claim read above: another engine claimed meanwhile. Give it back.
    if (readClaim(taken) !== holder) {
      renameSync(taken, claim);
      return undefined;
    }
    rmSync(taken, { force: true });
  }
  return undefined;
}

function readClaim(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** What emptying the store removed. */
export interface Emptied {
  readonly containers: number;
  readonly volumes: number;
  readonly networks: number;
}

/**
 * Removes every container, volume and user-defined network of the engine, keeping its images:
 * what a stop leaves in a kept data-root, and what a killed run left there before the next start.
 */
export async function emptyAllButImages(docker: Docker): Promise<Emptied> {
  const containers = await docker.listContainers({ all: true });
  await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true, v: true })));
  const { Volumes: volumes } = await docker.listVolumes();
  await Promise.all(volumes.map((volume) => docker.getVolume(volume.Name).remove({ force: true })));
  const pruned = (await docker.pruneNetworks()) as { NetworksDeleted?: string[] | null };
  return { containers: containers.length, volumes: volumes.length, networks: pruned.NetworksDeleted?.length ?? 0 };
}

/**
 * Removes the images of `repository` (e.g. `kargo-geo/`) other than `keep`: a kept store would
 * otherwise pile up every earlier recipe's image (300–600 MB each) as the recipes change.
 */
export async function removeImagesOtherThan(docker: Docker, repository: string, keep: readonly string[]): Promise<string[]> {
  const kept = new Set(await Promise.all(keep.map(async (tag) => ((await docker.getImage(tag).inspect()) as { Id: string }).Id)));
  const images = await docker.listImages();
  const old = images.filter((image) => !kept.has(image.Id) && (image.RepoTags ?? []).some((tag) => tag.startsWith(repository)));
  await Promise.all(old.map((image) => docker.getImage(image.Id).remove({ force: true })));
  return old.flatMap((image) => image.RepoTags ?? []);
}
