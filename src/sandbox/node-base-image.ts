import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { ErrorCode, KargoError } from '../errors.js';
import { importRootfs, makeBusyboxRootfs } from './local-images.js';
import { busyboxPrerequisite, ensurePrerequisites, findCommand } from './prerequisites.js';

/** The base image Kargo's Dockerfile is built FROM where no registry can be reached. */
export const nodeBaseImage = 'kargo-local/node-base:1';

/**
 * Builds `kargo-local/node-base:1` from this machine's own Node.js, npm, git and tini plus a
 * busybox userland: what `node:22-bookworm-slim` would give the Dockerfile, without a registry.
 */
export async function buildNodeBaseImage(docker: Docker, say: (line: string) => void = () => undefined): Promise<void> {
  const busybox = ensurePrerequisites([busyboxPrerequisite], say).get('busybox') ?? 'busybox';
  const rootfs = makeBusyboxRootfs(busybox);
  try {
    const node = realpathSync(process.execPath);
    const git = findCommand('git');
    if (git === undefined) throw new KargoError(ErrorCode.MissingPrerequisite, 'building the node base image needs git: apt-get install -y git');
    const binaries = [node, realpathSync(git)];
    copyInto(rootfs, node, '/usr/bin/node');
    copyInto(rootfs, realpathSync(git), '/usr/bin/git');
    copyTree(rootfs, '/usr/lib/git-core');
    copyTree(rootfs, '/usr/share/git-core');
    const npm = npmRoot();
    copyTree(rootfs, npm);
    mkdirSync(join(rootfs, 'usr/local/bin'), { recursive: true });
    symlinkSync(join(npm, 'bin/npm-cli.js'), join(rootfs, 'usr/local/bin/npm'));
    symlinkSync('/bin/busybox', join(rootfs, 'usr/bin/env'));
    const tini = findCommand('tini-static') ?? findCommand('docker-init');
    if (tini !== undefined) copyInto(rootfs, realpathSync(tini), '/usr/bin/tini');
    if (existsSync('/etc/ssl/certs/ca-certificates.crt')) copyInto(rootfs, '/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/certs/ca-certificates.crt');
    for (const library of sharedLibraries(binaries)) copyInto(rootfs, library, library);
    say(`building image ${nodeBaseImage} from this machine's Node.js ${process.version} and git`);
    await importRootfs(docker, rootfs, {
      name: nodeBaseImage,
      changes: ['ENV PATH=/usr/local/bin:/usr/bin:/bin', 'ENV NODE_VERSION=' + process.version.slice(1), 'CMD ["node"]'],
    });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

function npmRoot(): string {
  const npm = findCommand('npm');
  const candidate = npm === undefined ? '/usr/lib/node_modules/npm' : join(dirname(realpathSync(npm)), '..');
  if (!existsSync(join(candidate, 'package.json'))) throw new KargoError(ErrorCode.MissingPrerequisite, `npm was not found next to ${process.execPath}`);
  return candidate;
}

/** Every shared library the binaries load, as `ldd` resolves them, plus the dynamic loader. */
function sharedLibraries(binaries: readonly string[]): Set<string> {
  const libraries = new Set<string>();
  for (const binary of binaries) {
    const { stdout } = spawnSync('ldd', [binary], { encoding: 'utf8' });
    for (const match of stdout.matchAll(/(\/\S+\.so[^\s]*)/g)) if (match[1] !== undefined) libraries.add(match[1]);
  }
  return libraries;
}

function copyInto(rootfs: string, from: string, to: string): void {
  mkdirSync(dirname(join(rootfs, to)), { recursive: true });
  cpSync(realpathSync(from), join(rootfs, to), { dereference: true });
}

/** Copies a directory to the same path in the rootfs; `cp -a` keeps git-core's many hard links as links. */
function copyTree(rootfs: string, directory: string): void {
  const parent = dirname(join(rootfs, directory));
  mkdirSync(parent, { recursive: true });
  const result = spawnSync('cp', ['-a', directory, parent], { encoding: 'utf8' });
  if (result.status !== 0) throw new KargoError(ErrorCode.ImageBuildFailed, `copying ${directory} failed: ${result.stderr.trim()}`);
}
