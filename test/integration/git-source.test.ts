import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import { GitSync } from '../../src/adapters/git/git-sync.js';
import { ErrorCode } from '../../src/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import type { KargoRuntime } from '../../src/runtime/kargo-runtime.js';
import { GitRepo } from '../support/git-repo.js';
import { httpManifest, startGitKargo } from '../support/running-kargo.js';
import { uniqueName, waitFor } from '../support/swarm.js';

const dockerHost = inject('dockerHost');
const swarm = SwarmClient.connect(dockerHost);
const namespace = uniqueName('git');
const repo = new GitRepo();
const gitDir = mkdtempSync(join(tmpdir(), 'kargo-checkout-'));
const logs: string[] = [];
const webhookSecret = 'git-source-test-secret';
let runtime: KargoRuntime | undefined;

afterAll(async () => {
  await runtime?.stop();
  const services = await swarm.listServices({ label: [`com.docker.stack.namespace=${namespace}`] });
  await Promise.all(services.map((service) => swarm.removeService(service.ID)));
  repo.cleanUp();
  rmSync(gitDir, { recursive: true, force: true });
});

async function envOf(name: string): Promise<string[] | undefined> {
  const [service] = await swarm.listServices({ name: [`${namespace}_${name}`] });
  return service?.Spec.TaskTemplate?.ContainerSpec?.Env;
}

function observedRevision(name: string): string | undefined {
  return runtime?.operator.controller.statuses.get(`${namespace}/${name}`)?.observedRevision;
}

async function refresh(): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${String(runtime?.port ?? 0)}/api/v1/sources/refresh`, { method: 'POST', headers: { authorization: `Bearer ${webhookSecret}` } });
  return response.status;
}

describe('the git source', () => {
  it('converges the services of the manifests at the followed commit', async () => {
    const first = repo.write('geo/a.yaml', httpManifest(namespace, 'alpha')).write('README.md', 'not a manifest\n').commit('first');
    runtime = await startGitKargo({ swarm, repo, namespace, gitDir, path: 'geo', log: (line) => logs.push(line), webhookSecret, refreshIntervalMs: 0 });
    await waitFor('alpha to exist', async () => ((await envOf('alpha')) === undefined ? undefined : true));
    expect(observedRevision('alpha')).toBe(first);
    expect(realpathSync(join(gitDir, 'current'))).toBe(join(realpathSync(gitDir), 'worktrees', first));
  });

  it('applies a new commit on a refresh request and reports its SHA', async () => {
    const second = repo.write('geo/a.yaml', httpManifest(namespace, 'alpha', '', 'RESPONSE: second')).commit('second');
    expect(await refresh()).toBe(202);
    await waitFor('the second commit to be applied', async () => ((await envOf('alpha'))?.includes('RESPONSE=second') === true ? true : undefined));
    await waitFor('the status to show the second commit', () => (observedRevision('alpha') === second ? true : undefined));
  });

  it('goes back when the commit is reverted, and keeps only two checkouts', async () => {
    const reverted = repo.revertLast();
    expect(await refresh()).toBe(202);
    await waitFor('the revert to be applied', async () => ((await envOf('alpha'))?.includes('RESPONSE=hello') === true ? true : undefined));
    await waitFor('the status to show the revert', () => (observedRevision('alpha') === reverted ? true : undefined));
    expect(readdirSync(join(gitDir, 'worktrees')).length).toBeLessThanOrEqual(2);
  });

  it('refuses a hostile ref before running git, and keeps the checkout it has', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kargo-hostile-ref-'));
    const marker = join(dir, 'pwned');
    try {
      const sync = new GitSync({ url: repo.bare, allowLocal: true, ref: `--upload-pack=touch ${marker}`, path: '', dir: gitDir }, createLogger('silent'));
      await expect(sync.sync()).rejects.toMatchObject({ code: ErrorCode.GitSourceRefused });
      expect(existsSync(marker)).toBe(false);
      expect(readdirSync(join(gitDir, 'worktrees')).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs each switch of commit', () => {
    expect(logs.join('')).toMatch(/"msg":"git: main is now at [0-9a-f]{12}"/);
  });
});
