import { describe, expect, it } from 'vitest';
import { checkGitPath, checkGitRef, parseGitRemote } from '../../src/core/git-source-rules.js';
import { parseRunConfig } from '../../src/cli/run-config.js';
import { ErrorCode } from '../../src/errors.js';

describe('checkGitRef', () => {
  it.each(['main', 'release/2024.1', 'v1.2.3', 'feature/geo-server_x', 'a+b@c'])('accepts %s', (ref) => {
    expect(checkGitRef(ref)).toBeUndefined();
  });
  it.each(['--upload-pack=touch /tmp/x', '-main', 'a..b', 'a//b', '/main', 'main/', 'a@{1}', '@', '.hidden', 'x/.y', 'main.lock', 'a b', 'a~1', 'a^', 'a:b', 'a*', '', 'ma\nin'])('refuses %j', (ref) => {
    expect(checkGitRef(ref)).toMatch(/branch or tag/);
  });
});

describe('checkGitPath', () => {
  it.each(['', 'swarm/production', 'geo', 'a/b.c/d'])('accepts %j', (path) => {
    expect(checkGitPath(path)).toBeUndefined();
  });
  it.each(['/etc', '../x', 'a/../../b', '..', '-x', 'a\\b'])('refuses %j', (path) => {
    expect(checkGitPath(path)).toBeDefined();
  });
});

describe('parseGitRemote', () => {
  it('takes the credentials out of an https URL and scopes them to its server', () => {
    expect(parseGitRemote('https://oauth2:s3cr%40t@git.example.org:8443/geo/manifests.git', false)).toEqual({
      url: 'https://git.example.org:8443/geo/manifests.git',
      origin: 'https://git.example.org:8443',
      credentials: { username: 'oauth2', password: 's3cr@t' },
    });
  });

  it.each(['https://git.example.org/geo.git', 'ssh://git@git.example.org:2222/geo.git', 'git@github.com:org/geo.git'])('accepts %s as it is', (url) => {
    expect(parseGitRemote(url, false)).toEqual({ url });
  });

  it.each([
    ['http://git.example.org/geo.git', /http: scheme/],
    ['git://git.example.org/geo.git', /git: scheme/],
    ['ext::sh -c touch% /tmp/x', /must be|scheme/],
    ['file:///srv/geo.git', /--git-allow-local-urls/],
    ['/srv/geo.git', /--git-allow-local-urls/],
    ['--upload-pack=touch /tmp/x', /must be/],
    ['ssh://-oProxyCommand=touch/geo.git', /host/],
    ['git@-oProxyCommand=x:geo.git', /allow-local|must be/],
  ])('refuses %s', (url, reason) => {
    expect(parseGitRemote(url, false)).toMatch(reason);
  });

  it('accepts file:// URLs and local paths only when asked to (tests)', () => {
    expect(parseGitRemote('file:///srv/geo.git', true)).toEqual({ url: 'file:///srv/geo.git' });
    expect(parseGitRemote('/srv/geo.git', true)).toEqual({ url: '/srv/geo.git' });
    expect(parseGitRemote('ext::sh', true)).toMatch(/scheme/);
  });
});

describe('kargo run refuses a git source git could misread, at start', () => {
  const start = (...args: string[]): unknown => {
    try {
      return parseRunConfig(['--git-url', 'https://git.example.org/geo.git', ...args], {});
    } catch (error) {
      return error;
    }
  };
  it.each([
    [['--git-ref=--upload-pack=touch /tmp/x'], /--git-ref/],
    [['--git-path', '../../etc'], /--git-path/],
    [['--git-path', '/etc'], /--git-path/],
    [['--git-url', 'file:///srv/geo.git'], /--git-url/],
  ])('%j', (args, message) => {
    expect(start(...args)).toMatchObject({ code: ErrorCode.Usage, message: expect.stringMatching(message) as string });
  });

  it('never echoes the token of a refused URL', () => {
    expect(String(start('--git-url', 'http://kargo:s3cret@host/geo.git'))).not.toContain('s3cret');
  });

  it('takes --git-known-hosts-file and --git-allow-local-urls', () => {
    expect(parseRunConfig(['--git-url', '/srv/geo.git', '--git-allow-local-urls', '--git-known-hosts-file', '/run/secrets/known_hosts'], {}).git).toMatchObject({
      allowLocal: true,
      knownHostsFile: '/run/secrets/known_hosts',
    });
  });
});
