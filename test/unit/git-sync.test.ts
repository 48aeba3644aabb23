import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      const sync = new GitSync({ url: 'http://kargo:s3cret-token@127.0.0.1:9/geo.git', ref: 'main', path: '', dir }, createLogger('silent'));
      const error: unknown = await sync.sync().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: ErrorCode.GitFailed });
      expect(String(error)).toContain('git fetch failed');
      expect(String(error)).not.toContain('s3cret-token');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
