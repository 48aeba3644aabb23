import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ErrorCode, KargoError } from '../errors.js';

/** A program the sandbox needs, and the Debian package that provides it. */
export interface Prerequisite {
  readonly command: string;
  readonly debianPackage: string;
}

/** What a private swarm engine needs on the host. */
export const engineHostPrerequisites: readonly Prerequisite[] = [
  { command: 'dockerd', debianPackage: 'docker.io' },
  { command: 'ip', debianPackage: 'iproute2' },
  { command: 'nsenter', debianPackage: 'util-linux' },
  { command: 'tar', debianPackage: 'tar' },
];

/** What local test images are built from: a statically linked busybox. */
export const busyboxPrerequisite: Prerequisite = { command: 'busybox', debianPackage: 'busybox-static' };

const extraSearchPath = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of `command` on PATH (plus the sbin directories root's tools live in), or undefined. */
export function findCommand(command: string): string | undefined {
  const searchPath = [...(process.env['PATH'] ?? '').split(delimiter), ...extraSearchPath];
  for (const directory of searchPath) {
    if (directory === '') continue;
    const candidate = join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function canInstallWithApt(): boolean {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && findCommand('apt-get') !== undefined;
}

function aptInstall(packages: readonly string[], say: (line: string) => void): void {
  say(`installing ${packages.join(', ')} with apt-get (missing on this machine)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
    const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0) {
      throw new KargoError(
        ErrorCode.MissingPrerequisite,
        `apt-get ${args[0] ?? ''} failed while installing ${packages.join(', ')}: ${result.stderr.trim()}`,
      );
    }
  }
}

/**
 * Makes sure every prerequisite is on the machine. When some are missing and we are root on
 * Debian, installs their packages with apt (and says so); otherwise throws one sentence naming
 * what to install.
 */
export function ensurePrerequisites(
  prerequisites: readonly Prerequisite[],
  say: (line: string) => void,
): Map<string, string> {
  const missing = prerequisites.filter((p) => findCommand(p.command) === undefined);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((p) => p.debianPackage))];
    if (!canInstallWithApt()) {
      throw new KargoError(
        ErrorCode.MissingPrerequisite,
        `Kargo's sandbox needs ${missing.map((p) => p.command).join(', ')}: install them as root, ` +
          `e.g. \`apt-get install -y ${packages.join(' ')}\`.`,
      );
    }
    aptInstall(packages, say);
  }
  const found = new Map<string, string>();
  for (const p of prerequisites) {
    const path = findCommand(p.command);
    if (path === undefined) {
      throw new KargoError(ErrorCode.MissingPrerequisite, `${p.command} is still missing after installing ${p.debianPackage}.`);
    }
    found.set(p.command, path);
  }
  return found;
}
