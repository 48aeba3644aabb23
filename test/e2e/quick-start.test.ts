/**
 * The README's first command, `npm start`, run as a person would: every demo GeoService gets
 * Ready, an edit rolls a service, Ctrl-C leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import { findEngineLeftovers } from '../../src/sandbox/engine-teardown.js';
import { waitFor } from '../support/swarm.js';

const manifests = join('.kargo', 'demo', 'manifests');
const demos: ChildProcess[] = [];

afterAll(() => {
  for (const demo of demos) {
    if (demo.pid === undefined || demo.exitCode !== null || demo.signalCode !== null) continue;
    try {
      process.kill(-demo.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** `npm start` in its own process group, its output collected line by line. */
function startDemo(): { child: ChildProcess; output: string[]; printed: (pattern: RegExp) => string | undefined } {
  const child = spawn('npm', ['start'], { detached: true, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KARGO_LISTEN: '127.0.0.1:0' } });
  demos.push(child);
  const output: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => output.push(line));
  const printed = (pattern: RegExp): string | undefined => output.map((line) => pattern.exec(line)?.[1]).find((match) => match !== undefined);
  return { child, output, printed };
}

/** Ctrl-C to the whole process group (npm, tsx and Kargo alike), as a terminal sends it. */
function interrupt(child: ChildProcess): void {
  if (child.pid === undefined) throw new Error('the demo has no pid');
  process.kill(-child.pid, 'SIGINT');
}

interface StatusList {
  revision: string;
  items: { key: string; observedRevision?: string; conditions: { type: string; status: string }[] }[];
}

const ready = (item: StatusList['items'][number]): boolean => item.conditions.some((c) => c.type === 'Ready' && c.status === 'True');

async function statusList(url: string): Promise<StatusList> {
  return (await (await fetch(`${url}/api/v1/geoservices`)).json()) as StatusList;
}

describe('npm start (kargo demo)', () => {
  it('runs Kargo on a throwaway swarm, rolls an edited service, and removes everything on Ctrl-C, pressed twice', async () => {
    const { child, output, printed } = startDemo();

    const url = await waitFor('the demo to say where to look', () => printed(/status API\s+(http:\/\/127\.0\.0\.1:\d+)\//), { timeoutMs: 240_000, intervalMs: 250 });
    const dockerHost = printed(/DOCKER_HOST=(unix:\/\/\S+)/) ?? '';
    expect(output.some((line) => line.includes('starting a private Docker engine'))).toBe(true);
    expect(output.some((line) => line.includes('every GeoService is Ready'))).toBe(true);

    const before = await statusList(url);
    // The examples' six GeoServices (their GeoJob is not in the demo: its busybox stand-ins serve HTTP).
    expect(before.items).toHaveLength(6);
    expect(before.items.every(ready)).toBe(true);

    const file = join(manifests, 'mapserver-wms.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/RESPONSE: .*/, 'RESPONSE: edited by the quick-start test'));
    const swarm = SwarmClient.connect(dockerHost);
    await waitFor('the edit to roll geo_mapserver', async () => {
      const [service] = await swarm.listServices({ name: ['geo_mapserver'] });
      return service?.Spec.TaskTemplate?.ContainerSpec?.Env?.includes('RESPONSE=edited by the quick-start test') === true ? true : undefined;
    }, { timeoutMs: 60_000 });
    const after = await waitFor('the new revision to be applied and Ready', async () => {
      const list = await statusList(url);
      const mapserver = list.items.find((item) => item.key === 'geo/mapserver');
      return mapserver !== undefined && mapserver.observedRevision === list.revision && list.revision !== before.revision && ready(mapserver) ? list : undefined;
    }, { timeoutMs: 90_000 });
    expect(after.revision).not.toBe(before.revision);
    expect(output.some((line) => line.includes('geo/mapserver configured (TaskTemplate.ContainerSpec.Env[RESPONSE])'))).toBe(true);

    interrupt(child);
    // A second Ctrl-C during the teardown (people press it twice; tsx also passes a signal on
    // again when the process answers it slowly) must not cut the teardown short.
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      interrupt(child);
    } catch {
      // the whole group is gone already
    }
    // Ctrl-C reaches npm, tsx and Kargo alike (the whole process group); npm may exit first, so
    // the teardown is followed on the output, which Kargo keeps writing to.
    await waitFor('the teardown to finish', () => (output.some((line) => line.includes('nothing is left behind')) ? true : undefined), { timeoutMs: 180_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}; the demo's last lines:\n${output.slice(-15).join('\n')}`);
    });
    const stateDir = dirname(dockerHost.replace('unix://', ''));
    const netns = `kargo-${stateDir.split('/').pop() ?? ''}`;
    expect(findEngineLeftovers({ stateDir, netns })).toEqual([]);
    expect(existsSync(join('.kargo', 'demo'))).toBe(false);
  }, 480_000);

  it('stops and removes everything when interrupted before every GeoService is Ready', async () => {
    const { child, output, printed } = startDemo();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await waitFor('Kargo to start', () => (output.some((line) => line.includes('starting Kargo on them')) ? true : undefined), { timeoutMs: 240_000, intervalMs: 100 });
    const stateDir = printed(/starting a private Docker engine in (\S+)/) ?? '';
    interrupt(child);
    await waitFor('the teardown to finish', () => (output.some((line) => line.includes('nothing is left behind')) ? true : undefined), { timeoutMs: 120_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}; the demo's last lines:\n${output.slice(-15).join('\n')}`);
    });
    await exited;
    expect(output.some((line) => line.includes('Kargo is running.'))).toBe(false);
    expect(stateDir).not.toBe('');
    expect(findEngineLeftovers({ stateDir, netns: `kargo-${basename(stateDir)}` })).toEqual([]);
    expect(existsSync(join('.kargo', 'demo'))).toBe(false);
  }, 480_000);
});
