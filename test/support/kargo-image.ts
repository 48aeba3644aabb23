/** Builds Kargo's image from the repository's Dockerfile on a test engine, with no registry. */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { buildNodeBaseImage, nodeBaseImage } from '../../src/sandbox/node-base-image.js';

/**
 * An npm cache holding everything package-lock.json names: this machine's cache, completed by an
 * `npm ci` against the registry (reachable from here, not from inside the test engine).
 */
function primeNpmCache(context: string, cache: string, say: (line: string) => void): void {
  const hostCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
  if (existsSync(join(hostCache, '_cacache'))) cpSync(join(hostCache, '_cacache'), join(cache, '_cacache'), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'kargo-npm-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(context, file), join(scratch, file));
    say('priming the npm cache for an offline image build');
    execFileSync('npm', ['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', cache], { cwd: scratch, stdio: 'ignore' });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** What goes into the build context: what the Dockerfile COPYs, nothing else. */
const contextFiles = ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/bundle.ts', 'src'];

/**
 * Builds the node base image from this machine's Node.js, then `docker build` of the repository's
 * Dockerfile FROM it. This machine's npm cache goes into the context as .npm-cache/, so `npm ci`
 * in the build runs offline (the test engine's network namespace has no way out).
 */
export async function buildKargoImage(docker: Docker, tag: string, say: (line: string) => void): Promise<void> {
  await buildNodeBaseImage(docker, say);
  const context = mkdtempSync(join(tmpdir(), 'kargo-build-'));
  try {
    for (const file of contextFiles) cpSync(file, join(context, file), { recursive: true });
    primeNpmCache(context, join(context, '.npm-cache'), say);
    say(`docker build -t ${tag} --build-arg NODE_IMAGE=${nodeBaseImage} .`);
    const tar = spawn('tar', ['-C', context, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = await docker.buildImage(tar.stdout, { t: tag, buildargs: { NODE_IMAGE: nodeBaseImage }, rm: true, forcerm: true });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null, output: { error?: string }[]) => {
          const failed = error?.message ?? output.find((line) => line.error !== undefined)?.error;
          if (failed === undefined) resolve();
          else reject(new Error(`docker build failed: ${failed}`));
        },
        (event: { stream?: string }) => {
          const line = event.stream?.trim();
          if (line !== undefined && line !== '') say(line);
        },
      );
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
