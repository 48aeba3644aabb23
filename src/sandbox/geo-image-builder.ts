import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ErrorCode, KargoError } from '../errors.js';
import { runStep, type StepResult } from './build-step.js';
import { baseHash, baseRecipe, buildOnlyFiles, imageFiles, imageHash, installScript, type GeoImageRecipe, type RecipeFile } from './geo-image-recipes.js';
import { ensurePrerequisites, type Prerequisite } from './prerequisites.js';

/** What building a root filesystem needs on the host. */
const builderPrerequisites: readonly Prerequisite[] = [
  { command: 'debootstrap', debianPackage: 'debootstrap' },
  { command: 'unshare', debianPackage: 'util-linux' },
  { command: 'chroot', debianPackage: 'coreutils' },
  { command: 'tar', debianPackage: 'tar' },
];

/**
 * Where root filesystem tarballs are kept: KARGO_IMAGE_CACHE, else $XDG_CACHE_HOME/kargo-images,
 * else /var/cache/kargo-images for root (building needs root anyway), else ~/.cache/kargo-images.
 * The cache outlives engines: a new sandbox engine imports a tarball in seconds.
 */
export function defaultImageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env['KARGO_IMAGE_CACHE'];
  if (own !== undefined && own !== '') return own;
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'kargo-images');
  return process.getuid?.() === 0 ? '/var/cache/kargo-images' : join(homedir(), '.cache', 'kargo-images');
}

/** Words debootstrap, apt and npm print when the network, not the recipe, is the problem. */
const unreachable = /Failed getting release|Couldn't download|Temporary failure resolving|Could not resolve|Could not connect|Connection (refused|timed out)|Network is unreachable|Unable to connect|EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ETIMEDOUT/i;

function fail(what: string, result: StepResult, cacheDir: string): never {
  if (unreachable.test(result.tail)) {
    throw new KargoError(
      ErrorCode.DebianMirrorUnreachable,
      `${what} could not reach its package registry (Debian's packages, or npm for Krawler). Check that this machine can ` +
        `reach them (\`apt-get update\` must work), or set KARGO_DEBIAN_MIRROR to a Debian mirror it can reach. Once built, ` +
        `an image is cached in ${cacheDir} and needs no network again. The end of its output:\n${result.tail}`,
    );
  }
  throw new KargoError(ErrorCode.ImageBuildFailed, `${what} failed (exit ${String(result.status)}):\n${result.tail}`);
}

/**
 * The cached tarball of the Debian base, made with debootstrap the first time, from `mirror`
 * (default KARGO_DEBIAN_MIRROR, else debootstrap's own default Debian mirror).
 */
export async function ensureBaseTarball(
  cacheDir: string,
  say: (line: string) => void,
  mirror: string | undefined = process.env['KARGO_DEBIAN_MIRROR'],
): Promise<string> {
  const tarball = join(cacheDir, `base-${baseHash()}.tar`);
  if (existsSync(tarball)) return tarball;
  ensurePrerequisites(builderPrerequisites, say);
  const work = workDir(cacheDir);
  try {
    const rootfs = join(work, 'rootfs');
    const args = [`--variant=${baseRecipe.variant}`, baseRecipe.suite, rootfs, ...(mirror !== undefined && mirror !== '' ? [mirror] : [])];
    const result = await runStep(`base: debootstrap --variant=${baseRecipe.variant} ${baseRecipe.suite}`, 'debootstrap', args, say);
    if (result.status !== 0) fail('debootstrap of the Debian base', result, cacheDir);
    await packTarball(rootfs, tarball, 'base', say, cacheDir);
    return tarball;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The cached tarball of one image's root filesystem, built on the base the first time. */
export async function ensureImageTarball(
  recipe: GeoImageRecipe,
  cacheDir: string,
  say: (line: string) => void,
): Promise<{ tarball: string; builtNow: boolean }> {
  const tarball = join(cacheDir, `${recipe.name}-${imageHash(recipe, process.version)}.tar`);
  if (existsSync(tarball)) return { tarball, builtNow: false };
  const base = await ensureBaseTarball(cacheDir, say);
  ensurePrerequisites(builderPrerequisites, say);
  const work = workDir(cacheDir);
  const label = recipe.name;
  try {
    const rootfs = join(work, 'rootfs');
    mkdirSync(rootfs);
    const unpacked = await runStep(`${label}: unpacking the base`, 'tar', ['--numeric-owner', '-xpf', base, '-C', rootfs], say);
    if (unpacked.status !== 0) fail(`unpacking ${base}`, unpacked, cacheDir);
    for (const file of [...buildOnlyFiles, ...imageFiles, ...recipe.files]) writeRootfsFile(rootfs, file);
    const installed = await runStep(
      `${label}: apt-get install ${recipe.aptPackages.join(' ')}`,
      'unshare',
      // A mount namespace of its own: /proc is gone with it, whatever happens to this process.
      ['--mount', '--fork', '--propagation', 'private', 'sh', '-c', 'mount -t proc proc "$0/proc" && exec chroot "$0" /bin/sh -c "$1"', rootfs, installScript(recipe)],
      say,
      { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C', HOME: '/root' } },
    );
    if (installed.status !== 0) fail(`installing ${recipe.aptPackages.join(', ')} for ${label}`, installed, cacheDir);
    if (recipe.hostNode) copyHostNode(rootfs);
    if (recipe.npm !== undefined) {
      const project = join(rootfs, recipe.npm.directory);
      mkdirSync(project, { recursive: true });
      writeFileSync(join(project, 'package.json'), `${JSON.stringify(recipe.npm.packageJson, null, 2)}\n`);
      for (const [name, source] of Object.entries(recipe.npm.stubs)) {
        mkdirSync(join(project, 'stubs', name), { recursive: true });
        writeFileSync(join(project, 'stubs', name, 'index.js'), source);
        writeFileSync(join(project, 'stubs', name, 'package.json'), `${JSON.stringify({ name, version: '0.0.0-stub', main: 'index.js' })}\n`);
      }
      const npm = await runStep(`${label}: npm install (scripts off)`, 'npm', ['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund'], say, { cwd: project });
      if (npm.status !== 0) fail(`npm install for ${label}`, npm, cacheDir);
    }
    for (const file of buildOnlyFiles) rmSync(join(rootfs, file.path), { force: true });
    writeFileSync(join(rootfs, 'etc/resolv.conf'), '');
    await packTarball(rootfs, tarball, label, say, cacheDir);
    return { tarball, builtNow: true };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function writeRootfsFile(rootfs: string, file: RecipeFile): void {
  const target = join(rootfs, file.path);
  mkdirSync(dirname(target), { recursive: true });
  // The host's resolver config, while apt downloads; the image keeps an empty one (the engine mounts its own).
  const content = file.path === '/etc/resolv.conf' && existsSync('/etc/resolv.conf') ? readFileSync(realpathSync('/etc/resolv.conf'), 'utf8') : file.content;
  writeFileSync(target, content);
  chmodSync(target, file.mode);
}

/** This machine's Node.js (bookworm's own is 18); its libraries (libstdc++, libc) come with the base. */
function copyHostNode(rootfs: string): void {
  const target = join(rootfs, 'usr/local/bin/node');
  mkdirSync(dirname(target), { recursive: true });
  cpSync(realpathSync(process.execPath), target);
  chmodSync(target, 0o755);
}

async function packTarball(rootfs: string, tarball: string, label: string, say: (line: string) => void, cacheDir: string): Promise<void> {
  const partial = `${tarball}.partial-${String(process.pid)}`;
  const excludes = ['./dev/*', './proc/*', './sys/*', './run/*', './tmp/*'].map((pattern) => `--exclude=${pattern}`);
  const packed = await runStep(`${label}: packing the root filesystem`, 'tar', ['--numeric-owner', ...excludes, '-C', rootfs, '-cf', partial, '.'], say);
  if (packed.status !== 0) {
    rmSync(partial, { force: true });
    fail(`packing ${label}`, packed, cacheDir);
  }
  // Renamed into place whole: another process never reads half a tarball.
  renameSync(partial, tarball);
}

function workDir(cacheDir: string): string {
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  return mkdtempSync(join(cacheDir, 'work-'));
}
