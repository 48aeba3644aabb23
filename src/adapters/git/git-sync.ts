import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { ErrorCode, KargoError, describeError } from '../../errors.js';

const run = promisify(execFile);

export interface GitSourceSettings {
  /** Repository URL (https, ssh, file or a local path). */
  readonly url: string;
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

  constructor(
    private readonly settings: GitSourceSettings,
    private readonly logger: Logger,
  ) {
    this.repo = join(settings.dir, 'repo.git');
    this.current = join(settings.dir, 'current');
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
    await this.prepare();
    await this.git(['fetch', '--depth', '1', '--no-tags', '--force', 'origin', this.settings.ref], this.repo);
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

  private async prepare(): Promise<void> {
    if (!existsSync(join(this.repo, 'HEAD'))) {
      await mkdir(this.settings.dir, { recursive: true });
      await this.git(['init', '--bare', '--quiet', this.repo], this.settings.dir);
    }
    const remotes = await this.git(['remote'], this.repo);
    await this.git(remotes.split('\n').includes('origin') ? ['remote', 'set-url', 'origin', this.settings.url] : ['remote', 'add', 'origin', this.settings.url], this.repo);
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
    const config = this.settings.credentialsFile === undefined ? [] : ['-c', `credential.helper=store --file=${this.settings.credentialsFile}`];
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
    if (this.settings.sshKeyFile !== undefined) {
      env['GIT_SSH_COMMAND'] = `ssh -i ${this.settings.sshKeyFile} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${join(this.settings.dir, 'known_hosts')}`;
    }
    try {
      const { stdout } = await run('git', [...config, ...args], { cwd, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      throw new KargoError(ErrorCode.GitFailed, `git ${args[0] ?? ''} failed: ${redact(describeError(error))}`);
    }
  }
}

/** Hides credentials written into URLs (`https://user:token@host` → `https://***@host`). */
export function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}
