import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { ErrorCode, KargoError, describeError } from '../../errors.js';
import { checkGitPath, checkGitRef, parseGitRemote, type GitRemote } from '../../core/git-source-rules.js';

const run = promisify(execFile);

export interface GitSourceSettings {
  /** Repository URL: https, ssh or user@host:path (file or a local path with allowLocal). */
  readonly url: string;
  /** Accept file:// URLs and local paths (tests). */
  readonly allowLocal?: boolean;
  /** Branch or tag to follow. */
  readonly ref: string;
  /** Subdirectory of the repository holding the manifests ('' for the root). */
  readonly path: string;
  /** Where Kargo keeps its clone and checkouts (a volume, so restarts start warm). */
  readonly dir: string;
  /** A git-credentials file (`https://user:token@host` lines), e.g. a Swarm secret. */
  readonly credentialsFile?: string;
  /** A private key for ssh URLs, e.g. a Swarm secret. */
  readonly sshKeyFile?: string;
  /** Known hosts for ssh: with it, ssh checks host keys strictly; without, it trusts a host's first key (accept-new). */
  readonly knownHostsFile?: string;
}

/** Why the settings are refused (URL, ref or path git could misread), or undefined. */
export function checkGitSource(settings: Pick<GitSourceSettings, 'url' | 'ref' | 'path' | 'allowLocal'>): string | undefined {
  const remote = parseGitRemote(settings.url, settings.allowLocal === true);
  if (typeof remote === 'string') return `--git-url ${remote}`;
  const ref = checkGitRef(settings.ref);
  if (ref !== undefined) return `--git-ref ${ref}`;
  const path = checkGitPath(settings.path);
  return path === undefined ? undefined : `--git-path ${path}`;
}

/** What one sync found. */
export interface GitSyncResult {
  readonly revision: string;
  readonly changed: boolean;
}

/**
 * Kargo's own git checkout: a bare clone fetched shallowly, and one worktree per commit behind a
 * `current` symlink that is swapped atomically, so a reader sees one whole commit or the next,
 * never half of each. Credentials come from files and never appear in logs or errors.
 */
export class GitSync {
  private readonly repo: string;
  private readonly current: string;
  private revision: string | undefined;
  private running: Promise<GitSyncResult> | undefined;
  private readonly remote: GitRemote | string;

  constructor(
    private readonly settings: GitSourceSettings,
    private readonly logger: Logger,
  ) {
    this.repo = join(settings.dir, 'repo.git');
    this.current = join(settings.dir, 'current');
    this.remote = checkGitSource(settings) ?? parseGitRemote(settings.url, settings.allowLocal === true);
  }

  /** The manifests directory: stable across syncs (it goes through the `current` symlink). */
  get manifestsPath(): string {
    return this.settings.path === '' ? this.current : join(this.current, this.settings.path);
  }

  /** Whether a checkout from an earlier run is there to start from. */
  hasCheckout(): boolean {
    return existsSync(this.current);
  }

  /** Fetches the ref and switches to its commit if it moved. Concurrent calls share one fetch. */
  async sync(): Promise<GitSyncResult> {
    this.running ??= this.fetchAndSwitch().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async fetchAndSwitch(): Promise<GitSyncResult> {
    // Checked again here, not only at start: no git command runs with a ref git could read as an option.
    if (typeof this.remote === 'string') throw new KargoError(ErrorCode.GitSourceRefused, `git source refused: ${redact(this.remote)}`);
    await this.prepare(this.remote.url);
    await this.git(['fetch', '--depth', '1', '--no-tags', '--force', '--end-of-options', 'origin', this.settings.ref], this.repo);
    const revision = (await this.git(['rev-parse', 'FETCH_HEAD^{commit}'], this.repo)).trim();
    this.revision ??= await this.currentRevision();
    if (revision === this.revision) return { revision, changed: false };
    const worktree = join(this.settings.dir, 'worktrees', revision);
    if (!existsSync(worktree)) await this.git(['worktree', 'add', '--force', '--detach', worktree, revision], this.repo);
    const next = `${this.current}.next`;
    await rm(next, { force: true });
    await symlink(join('worktrees', revision), next);
    await rename(next, this.current);
    const previous = this.revision;
    this.revision = revision;
    this.logger.info({ revision, previous, ref: this.settings.ref }, `git: ${this.settings.ref} is now at ${revision.slice(0, 12)}`);
    await this.pruneWorktrees(new Set([revision, ...(previous === undefined ? [] : [previous])]));
    return { revision, changed: true };
  }

  /** The bare repository, with `url` (no credentials in it) as origin. */
  private async prepare(url: string): Promise<void> {
    if (!existsSync(join(this.repo, 'HEAD'))) {
      await mkdir(this.settings.dir, { recursive: true });
      await this.git(['init', '--bare', '--quiet', this.repo], this.settings.dir);
    }
    const remotes = await this.git(['remote'], this.repo);
    await this.git(['remote', remotes.split('\n').includes('origin') ? 'set-url' : 'add', '--end-of-options', 'origin', url], this.repo);
  }

  private async currentRevision(): Promise<string | undefined> {
    try {
      const target = await readlink(this.current);
      return target.split('/').pop();
    } catch {
      return undefined;
    }
  }

  /** Keeps the current and previous checkouts (a reader may still be in the previous one). */
  private async pruneWorktrees(keep: ReadonlySet<string>): Promise<void> {
    const root = join(this.settings.dir, 'worktrees');
    for (const entry of await readdir(root)) {
      if (keep.has(entry)) continue;
      await this.git(['worktree', 'remove', '--force', join(root, entry)], this.repo).catch(() => rm(join(root, entry), { recursive: true, force: true }));
    }
    await this.git(['worktree', 'prune'], this.repo);
  }

  private async git(args: string[], cwd: string): Promise<string> {
    const env = gitEnvironment(this.settings, typeof this.remote === 'string' ? undefined : this.remote);
    try {
      const { stdout } = await run('git', args, { cwd, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      throw new KargoError(ErrorCode.GitFailed, `git ${args[0] ?? ''} failed: ${redact(describeError(error))}`);
    }
  }
}

/**
 * git's environment: credentials and ssh options go here, never on a command line (`ps` shows
 * those) nor in the repository's config. GIT_CONFIG_COUNT/KEY/VALUE (git ≥ 2.31) set config
 * for this one process; a token from the URL reaches git only through a credential helper
 * scoped to the URL's server that prints it from this environment.
 */
function gitEnvironment(settings: GitSourceSettings, remote: GitRemote | undefined): NodeJS.ProcessEnv {
  const config: [string, string][] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ALLOW_PROTOCOL: settings.allowLocal === true ? 'https:ssh:file' : 'https:ssh' };
  if (settings.credentialsFile !== undefined) config.push(['credential.helper', `store --file=${shellQuote(settings.credentialsFile)}`]);
  if (remote?.credentials !== undefined && remote.origin !== undefined) {
    config.push([`credential.${remote.origin}.helper`, '!f() { test "$1" = get && printf "username=%s\\npassword=%s\\n" "$KARGO_GIT_USERNAME" "$KARGO_GIT_PASSWORD"; }; f']);
    env['KARGO_GIT_USERNAME'] = remote.credentials.username;
    env['KARGO_GIT_PASSWORD'] = remote.credentials.password;
  }
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${String(index)}`] = key;
    env[`GIT_CONFIG_VALUE_${String(index)}`] = value;
  });
  env['GIT_CONFIG_COUNT'] = String(config.length);
  const knownHosts = settings.knownHostsFile ?? join(settings.dir, 'known_hosts');
  const ssh = ['ssh', '-o', `StrictHostKeyChecking=${settings.knownHostsFile === undefined ? 'accept-new' : 'yes'}`, '-o', `UserKnownHostsFile=${shellQuote(knownHosts)}`];
  if (settings.sshKeyFile !== undefined) ssh.push('-i', shellQuote(settings.sshKeyFile), '-o', 'IdentitiesOnly=yes');
  env['GIT_SSH_COMMAND'] = ssh.join(' ');
  return env;
}

/** `text` as one word for the shell git runs helpers and ssh commands with. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** Hides credentials written into URLs (`https://user:token@host` → `https://***@host`). */
export function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}
