import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import { findEngineLeftovers, type EngineLayout } from '../../src/sandbox/engine-teardown.js';
import { buildLocalImages, localImages } from '../../src/sandbox/local-images.js';
import { startPrivateEngine } from '../../src/sandbox/private-engine.js';
import { waitFor } from '../support/swarm.js';

/** An engine started by another process (killed by the test), and its layout. */
async function holdEngine(keepImagesIn?: string): Promise<{ child: ChildProcess; layout: EngineLayout }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/programs/hold-private-engine.ts', ...(keepImagesIn === undefined ? [] : [keepImagesIn])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => {
      reject(new Error(`engine holder exited early (${String(code)})`));
    });
  });
  return { child, layout: JSON.parse(firstLine) as EngineLayout };
}

/** A service with a named volume, so that the engine has a container, a volume and the swarm's networks. */
async function runAService(docker: Docker): Promise<void> {
  await docker.createService({
    Name: 'kept-store-check',
    TaskTemplate: { ContainerSpec: { Image: localImages.http.name, Mounts: [{ Type: 'volume', Source: 'kept-store-data', Target: '/data' }] } },
  });
  await waitFor('the service\'s container', async () => ((await docker.listContainers()).length > 0 ? true : undefined), { timeoutMs: 60_000 });
}

async function imageNames(docker: Docker): Promise<string[]> {
  return (await docker.listImages()).flatMap((image) => image.RepoTags ?? []);
}

describe('a private engine', () => {
  it('runs beside the test swarm and leaves nothing behind when stopped', async () => {
    const engine = await startPrivateEngine();
    try {
      expect(existsSync(engine.socketPath)).toBe(true);
      expect(findEngineLeftovers(engine).length).toBeGreaterThan(0);
      const info = await engine.swarm.info();
      expect(info.Swarm.LocalNodeState).toBe('active');
    } finally {
      await engine.stop();
    }
    expect(findEngineLeftovers(engine)).toEqual([]);
  });

  it('is torn down by its reaper when the process that started it is killed', async () => {
    const { child, layout } = await holdEngine();
    expect(findEngineLeftovers(layout)).toContain(`directory ${layout.stateDir}`);

    child.kill('SIGKILL');

    const remaining = await waitFor(
      'the reaper to remove the engine',
      () => {
        const leftovers = findEngineLeftovers(layout);
        return leftovers.length === 0 ? leftovers : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(remaining).toEqual([]);
  });

  it('keeps its images, and nothing else, in a kept image store; one engine uses the store at a time', async () => {
    const store = mkdtempSync(join(tmpdir(), 'kargo-kept-store-'));
    try {
      const first = await startPrivateEngine({ keepImagesIn: store });
      try {
        expect(first.keptDataRoot).toBe(join(store, 'data'));
        await buildLocalImages(first.docker, [localImages.http]);
        await runAService(first.docker);
        // A second engine meanwhile gets a throwaway data-root: two dockerd on one would corrupt it.
        const second = await startPrivateEngine({ keepImagesIn: store });
        try {
          expect(second.keptDataRoot).toBeUndefined();
        } finally {
          await second.stop();
        }
        expect(findEngineLeftovers(second)).toEqual([]);
      } finally {
        await first.stop();
      }
      expect(findEngineLeftovers(first)).toEqual([]);

      const again = await startPrivateEngine({ keepImagesIn: store });
      try {
        expect(again.keptDataRoot).toBe(join(store, 'data'));
        expect(await imageNames(again.docker)).toContain(localImages.http.name);
        expect(await again.docker.listContainers({ all: true })).toEqual([]);
        expect((await again.docker.listVolumes()).Volumes).toEqual([]);
        expect(await again.swarm.listServices()).toEqual([]);
      } finally {
        await again.stop();
      }
      expect(findEngineLeftovers(again)).toEqual([]);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });

  it('after a kill, the next engine on the kept store removes what the killed one left, and keeps the images', async () => {
    const store = mkdtempSync(join(tmpdir(), 'kargo-kept-store-'));
    try {
      const { child, layout } = await holdEngine(store);
      expect(layout.keptDataRoot).toBe(join(store, 'data'));
      const held = SwarmClient.connect(`unix://${join(layout.stateDir, 'docker.sock')}`).docker;
      await buildLocalImages(held, [localImages.http]);
      await runAService(held);
      child.kill('SIGKILL');
      await waitFor('the reaper to stop the engine', () => (existsSync(layout.stateDir) ? undefined : true), { timeoutMs: 60_000, intervalMs: 250 });

      const lines: string[] = [];
      const next = await startPrivateEngine({ keepImagesIn: store, say: (line) => lines.push(line) });
      try {
        expect(next.keptDataRoot).toBe(join(store, 'data'));
        expect(lines.some((line) => line.startsWith('removed what an interrupted run left'))).toBe(true);
        expect(await imageNames(next.docker)).toContain(localImages.http.name);
        expect(await next.docker.listContainers({ all: true })).toEqual([]);
        expect((await next.docker.listVolumes()).Volumes).toEqual([]);
      } finally {
        await next.stop();
      }
      expect(findEngineLeftovers(next)).toEqual([]);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });
});
