/**
 * The README's first command, `npm start`, run as a person would: the real map stack comes up, the
 * URLs it prints answer from this machine (WMS and WMTS capabilities, a map, a tile), the map is
 * saved as a PNG, the Krawler job's run shows in the status API, an edited mapfile rolls MapServer
 * and the map is saved again, and Ctrl-C leaves nothing behind but the kept images and the map.
 * A second run is timed: the README promises under 30 s to every GeoService Ready.
 *
 * The images come from the image cache (KARGO_IMAGE_CACHE, default /var/cache/kargo-images), which
 * CI fills before the tests (test/support/programs/build-geo-images.ts): without it the first run
 * builds them (minutes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { OgcCheck } from '../../src/core/ogc/ogc-check.js';
import { judgeCapabilities, judgeImage } from '../../src/core/ogc/ogc-verdict.js';
import { findEngineLeftovers } from '../../src/sandbox/engine-teardown.js';
import { waitFor } from '../support/swarm.js';

const mapfile = join('.kargo', 'demo', 'manifests', 'stack', 'mapfiles', 'wms.map');
const savedMap = join('.kargo', 'demo-map.png');
const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const demos: ChildProcess[] = [];
const say = (line: string): void => {
  console.log(`[quick start] ${line}`);
};

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

interface Demo {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly startedAt: number;
  /** The first capture of `pattern` in a line printed so far. */
  printed(pattern: RegExp): string | undefined;
  /** Waits for a line containing `text`; returns the seconds since `npm start` was run. */
  waitForLine(text: string, timeoutMs: number): Promise<number>;
}

/** `npm start` in its own process group, its output collected line by line. */
function startDemo(): Demo {
  const startedAt = Date.now();
  const child = spawn('npm', ['start'], { detached: true, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KARGO_LISTEN: '127.0.0.1:0' } });
  demos.push(child);
  const output: string[] = [];
  const seenAt = new Map<string, number>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    output.push(line);
    seenAt.set(line, Date.now());
  });
  return {
    child,
    output,
    startedAt,
    printed: (pattern) => output.map((line) => pattern.exec(line)?.[1]).find((match) => match !== undefined),
    waitForLine: async (text, timeoutMs) => {
      const line = await waitFor(`the demo to print "${text}"`, () => output.find((candidate) => candidate.includes(text)), { timeoutMs, intervalMs: 100 }).catch((error: unknown) => {
        throw new Error(`${String(error)}; the demo's last lines:\n${output.slice(-25).join('\n')}`);
      });
      return ((seenAt.get(line) ?? Date.now()) - startedAt) / 1000;
    },
  };
}

/** Ctrl-C to the whole process group (npm, node and Kargo alike), as a terminal sends it. */
function interrupt(child: ChildProcess): void {
  if (child.pid === undefined) throw new Error('the demo has no pid');
  process.kill(-child.pid, 'SIGINT');
}

/** Ctrl-C, pressed twice (people do; a runner may pass a signal on again), then the teardown's end; checks nothing is left. */
async function stopAndCheck(demo: Demo): Promise<void> {
  const engineDir = demo.printed(/starting a private Docker engine in (\/\S+)/) ?? '';
  const keptDataRoot = demo.printed(/images are kept between runs in (\/\S+)/);
  interrupt(demo.child);
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    interrupt(demo.child);
  } catch {
    // the whole group is gone already
  }
  // npm may exit first: the teardown is followed on the output, which Kargo keeps writing to.
  await demo.waitForLine('nothing is left behind', 180_000);
  expect(engineDir).not.toBe('');
  expect(findEngineLeftovers({ stateDir: engineDir, netns: `kargo-${basename(engineDir)}`, ...(keptDataRoot === undefined ? {} : { keptDataRoot }) })).toEqual([]);
  expect(existsSync(join('.kargo', 'demo'))).toBe(false);
}

/** The printed URL on the line labelled `label`. */
function url(demo: Demo, label: string): string {
  const found = demo.printed(new RegExp(`^\\s+${label}\\s+(http://127\\.0\\.0\\.1:\\d+\\S*)`));
  if (found === undefined) throw new Error(`the demo printed no "${label}" URL:\n${demo.output.join('\n')}`);
  return found;
}

async function get(address: string): Promise<{ status: number; contentType: string | undefined; body: Buffer }> {
  const response = await fetch(address, { signal: AbortSignal.timeout(15_000) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: Buffer.from(await response.arrayBuffer()) };
}

async function expectCapabilities(address: string, check: OgcCheck): Promise<void> {
  const verdict = judgeCapabilities(check, await get(address));
  expect(verdict, verdict.message).toMatchObject({ ok: true });
  expect(verdict.capabilities?.layers).toEqual(expect.arrayContaining([...check.layers]));
}

async function expectImage(kind: 'GetMap' | 'GetTile', address: string): Promise<void> {
  const verdict = judgeImage(kind, await get(address));
  expect(verdict, verdict.message).toMatchObject({ ok: true });
}

/** The cities layer's colour in the mapfile, replaced (the first COLOR after `NAME "cities"`). */
function recolourCities(text: string, rgb: string): string {
  const layer = text.indexOf('NAME "cities"');
  expect(layer).toBeGreaterThan(0);
  const rest = text.slice(layer).replace(/COLOR \d+ \d+ \d+/, `COLOR ${rgb}`);
  return text.slice(0, layer) + rest;
}

describe('npm start (kargo demo)', () => {
  it('runs the real map stack, prints URLs that answer, saves the map, saves it again after a mapfile edit, and removes everything else on Ctrl-C', async () => {
    const demo = startDemo();
    // A machine whose image cache is empty builds the images first: minutes.
    const up = await demo.waitForLine('The map stack is up', 900_000);
    const ready = await demo.waitForLine('every GeoService is Ready', 1000);
    say(`first run: every GeoService Ready ${ready.toFixed(1)}s, the stack up ${up.toFixed(1)}s after npm start (${demo.printed(/(geo images ready in .*)/) ?? ''})`);

    await expectCapabilities(url(demo, 'WMS GetCapabilities'), { service: 'WMS', layers: ['cities'] });
    await expectImage('GetMap', url(demo, 'WMS GetMap'));
    await expectCapabilities(url(demo, 'WMTS GetCapabilities'), { service: 'WMTS', layers: ['cities'] });
    await expectImage('GetTile', url(demo, 'WMTS GetTile'));
    expect(demo.printed(/map saved to\s+(\S+)/)).toBe(join(process.cwd(), savedMap));
    const firstMap = readFileSync(savedMap);
    expect([...firstMap.subarray(0, 8)]).toEqual(pngSignature);

    const statusApi = demo.printed(/status API\s+(http:\/\/127\.0\.0\.1:\d+)\//) ?? '';
    const jobs = (await (await fetch(`${statusApi}/api/v1/geojobs`)).json()) as { items: { key: string; job?: { lastSuccessful?: { result: string; name: string } } }[] };
    const loader = jobs.items.find((item) => item.key === 'GeoJob/geo/cities-loader');
    expect(loader?.job?.lastSuccessful?.result).toBe('succeeded');

    writeFileSync(mapfile, recolourCities(readFileSync(mapfile, 'utf8'), '20 160 60'));
    const editedAt = Date.now();
    await demo.waitForLine('saved the map again', 180_000);
    say(`the mapfile edit was in the saved map ${((Date.now() - editedAt) / 1000).toFixed(1)}s after the save`);
    const secondMap = readFileSync(savedMap);
    expect([...secondMap.subarray(0, 8)]).toEqual(pngSignature);
    expect(secondMap.equals(firstMap)).toBe(false);

    await stopAndCheck(demo);
    // What stays: the map, and the images (the next run needs no import).
    expect(existsSync(savedMap)).toBe(true);
    expect(existsSync(join(demo.printed(/images are kept between runs in (\/\S+)/) ?? '', 'image'))).toBe(true);
  }, 1_500_000);

  it('is up again within 30 s on a second run, the images kept from the first', async () => {
    const demo = startDemo();
    const ready = await demo.waitForLine('every GeoService is Ready', 120_000);
    const up = await demo.waitForLine('The map stack is up', 120_000);
    say(`second run: every GeoService Ready ${ready.toFixed(1)}s, the stack up ${up.toFixed(1)}s after npm start (${demo.printed(/(geo images ready in .*)/) ?? ''})`);
    expect(demo.output.some((line) => line.includes('all on the engine already'))).toBe(true);
    expect(ready).toBeLessThan(30);
    await stopAndCheck(demo);
  }, 400_000);

  it('stops and removes everything when interrupted before the stack is up', async () => {
    const demo = startDemo();
    const exited = new Promise<void>((resolve) => demo.child.once('exit', () => resolve()));
    await demo.waitForLine('starting Kargo on them', 900_000);
    await stopAndCheck(demo);
    await exited;
    expect(demo.output.some((line) => line.includes('The map stack is up'))).toBe(false);
  }, 1_200_000);
});
