/** A local git repository for tests: a bare "remote" and a working clone to commit into. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export class GitRepo {
  readonly root = mkdtempSync(join(tmpdir(), 'kargo-git-'));
  readonly bare = join(this.root, 'remote.git');
  readonly work = join(this.root, 'work');

  private readonly gitConfig = join(this.root, 'gitconfig');

  constructor() {
    writeFileSync(this.gitConfig, '[safe]\n\tdirectory = *\n');
    this.git(this.root, 'init', '--quiet', '--bare', '--initial-branch=main', this.bare);
    this.git(this.root, 'init', '--quiet', '--initial-branch=main', this.work);
    this.git(this.work, 'remote', 'add', 'origin', this.bare);
  }

  write(file: string, text: string): this {
    mkdirSync(dirname(join(this.work, file)), { recursive: true });
    writeFileSync(join(this.work, file), text);
    return this;
  }

  remove(file: string): this {
    unlinkSync(join(this.work, file));
    return this;
  }

  /** Commits everything and pushes; returns the commit SHA. */
  commit(message: string): string {
    this.git(this.work, 'add', '--all');
    this.git(this.work, '-c', 'user.name=Kargo Test', '-c', 'user.email=test@kargo.invalid', 'commit', '--quiet', '--allow-empty', '-m', message);
    this.git(this.work, 'push', '--quiet', 'origin', 'main');
    return this.git(this.work, 'rev-parse', 'HEAD').trim();
  }

  /** Reverts the last commit and pushes; returns the new SHA. */
  revertLast(): string {
    this.git(this.work, '-c', 'user.name=Kargo Test', '-c', 'user.email=test@kargo.invalid', 'revert', '--no-edit', 'HEAD');
    this.git(this.work, 'push', '--quiet', 'origin', 'main');
    return this.git(this.work, 'rev-parse', 'HEAD').trim();
  }

  cleanUp(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Gives the bare repository to `uid`, as a container user reading it through a bind mount would need. */
  chownBare(uid: number): void {
    execFileSync('chown', ['-R', `${String(uid)}:${String(uid)}`, this.bare]);
  }

  private git(cwd: string, ...args: string[]): string {
    // The bare repository may belong to a container's user: a global config of our own lets this
    // process's pushes in anyway (receive-pack reads safe.directory from global config only).
    const env = { ...process.env, GIT_CONFIG_GLOBAL: this.gitConfig };
    return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
}
