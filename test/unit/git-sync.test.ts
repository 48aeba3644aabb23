import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GitSync, redact } from '../../src/adapters/git/git-sync.js';
import { ErrorCode } from '../../src/errors.js';
import { createLogger } from '../../src/observability/logger.js';

describe('redact', () => {
  it.each([
    ['https://user:token@git.example.org/geo.git', 'https://***@git.example.org/geo.git'],
    ['fatal: unable to access https://oauth2:abc123@host/x.git/', 'fatal: unable to access https://***@host/x.git/'],
    ['ssh://git@host:22/geo.git', 'ssh://***@host:22/geo.git'],
    ['https://host/geo.git', 'https://host/geo.git'],
  ])('hides the credentials in %s', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});

describe('GitSync', () => {
  it('fails with an error that names the git command and not the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kargo-git-fail-'));
    try {
      const sync = new GitSync({ url: 'https://kargo:s3cret-token@127.0.0.1:9/geo.git', ref: 'main', path: '', dir }, createLogger('silent'));
      const error: unknown = await sync.sync().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: ErrorCode.GitFailed });
      expect(String(error)).toContain('git fetch failed');
      expect(String(error)).not.toContain('s3cret-token');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Runs `body` with a `git` first on PATH that records its arguments, then runs the real git. */
async function withRecordedGit(body: (dir: string, calls: () => string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kargo-git-record-'));
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  mkdirSync(bin);
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  const path = process.env['PATH'];
  process.env['PATH'] = `${bin}:${path ?? ''}`;
  try {
    await body(join(dir, 'checkout'), () => (existsSync(log) ? readFileSync(log, 'utf8') : ''));
  } finally {
    process.env['PATH'] = path;
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('GitSync refuses what git could misread', () => {
  it('refuses a ref that is a git option without running any git command', async () => {
    await withRecordedGit(async (dir, calls) => {
      const marker = join(dir, '..', 'pwned');
      const sync = new GitSync({ url: 'https://127.0.0.1:9/geo.git', ref: `--upload-pack=touch ${marker}`, path: '', dir }, createLogger('silent'));
      await expect(sync.sync()).rejects.toMatchObject({ code: ErrorCode.GitSourceRefused });
      expect(calls()).toBe('');
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(dir)).toBe(false);
    });
  });

  it('keeps the token of an https URL off every command line and out of .git/config', async () => {
    await withRecordedGit(async (dir, calls) => {
      const sync = new GitSync({ url: 'https://kargo:s3cret-token@127.0.0.1:9/geo.git', ref: 'main', path: '', dir, credentialsFile: '/run/secrets/git-credentials' }, createLogger('silent'));
      await expect(sync.sync()).rejects.toMatchObject({ code: ErrorCode.GitFailed });
      expect(calls()).toContain('fetch --depth 1 --no-tags --force --end-of-options origin main');
      expect(calls()).not.toContain('s3cret-token');
      expect(calls()).not.toContain('git-credentials');
      const config = readFileSync(join(dir, 'repo.git', 'config'), 'utf8');
      expect(config).toContain('url = https://127.0.0.1:9/geo.git');
      expect(config).not.toContain('s3cret-token');
    });
  });

  it('strips the token that an older Kargo wrote into .git/config', async () => {
    await withRecordedGit(async (dir) => {
      mkdirSync(dir, { recursive: true });
      execFileSync('git', ['init', '--quiet', '--bare', join(dir, 'repo.git')]);
      execFileSync('git', ['-C', join(dir, 'repo.git'), 'remote', 'add', 'origin', 'https://kargo:s3cret-token@127.0.0.1:9/geo.git']);
      const sync = new GitSync({ url: 'https://kargo:s3cret-token@127.0.0.1:9/geo.git', ref: 'main', path: '', dir }, createLogger('silent'));
      await sync.sync().catch(() => undefined);
      expect(readFileSync(join(dir, 'repo.git', 'config'), 'utf8')).not.toContain('s3cret-token');
    });
  });
});
