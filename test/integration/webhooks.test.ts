/**
 * The write endpoints on a real HTTP server, in front of a real git source: signatures computed
 * here as each forge does, fetches counted from Kargo's log ("refresh: fetching …" per fetch).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SwarmClient } from '../../src/adapters/docker/swarm-client.js';
import { ErrorCode } from '../../src/errors.js';
import type { KargoRuntime } from '../../src/runtime/kargo-runtime.js';
import { GitRepo } from '../support/git-repo.js';
import { startGitKargo } from '../support/running-kargo.js';
import { uniqueName, waitFor } from '../support/swarm.js';

const swarm = SwarmClient.connect(inject('dockerHost'));
const secret = 'webhook-test-s3cret';
/** Shorter than the 5 s default, so that the test waits less; the logic is the same. */
const intervalMs = 1_500;
const repo = new GitRepo();
const dirs: string[] = [];
const logLines: { msg: string; time: string }[] = [];
let kargo: KargoRuntime | undefined;
let unsecured: KargoRuntime | undefined;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'kargo-webhooks-'));
  dirs.push(dir);
  return dir;
};
const fetchStarts = (): number[] => logLines.filter((line) => line.msg === 'refresh: fetching and reading the source').map((line) => Date.parse(line.time));
const revision = (): string | undefined => kargo?.operator.controller.currentSnapshot?.revision;

beforeAll(async () => {
  repo.write('README.md', 'no manifests yet\n').commit('first');
  kargo = await startGitKargo({
    swarm, repo, namespace: uniqueName('hooks'), gitDir: tempDir(), webhookSecret: secret, refreshIntervalMs: intervalMs,
    log: (chunk) => {
      for (const line of chunk.split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as { msg: string; time: string });
    },
  });
  unsecured = await startGitKargo({ swarm, repo, namespace: uniqueName('hooks'), gitDir: tempDir() });
});

afterAll(async () => {
  await Promise.all([kargo?.stop(), unsecured?.stop()]);
  repo.cleanUp();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Headers;
}

async function post(path: string, headers: Record<string, string>, body = '{}', runtime = kargo): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${String(runtime?.port ?? 0)}${path}`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

const hmac = (key: string, body: string): string => createHmac('sha256', key).update(body).digest('hex');
const pushEvent = (sha: string): string => JSON.stringify({ ref: 'refs/heads/main', after: sha, repository: { full_name: 'geo/manifests' } });
const signed = {
  GitHub: (body: string, key = secret) => ({ 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(key, body)}` }),
  Gitea: (body: string, key = secret) => ({ 'content-type': 'application/json', 'x-gitea-event': 'push', 'x-gitea-signature': hmac(key, body) }),
  GitLab: (_body: string, key = secret) => ({ 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': key }),
};

/**
 * POSTs with node:http, streaming `chunks` after the headers, and resolves with the status as
 * soon as the answer comes (the server answers 413 and closes while the body is still coming).
 */
function postStreaming(path: string, headers: Record<string, string>, chunks: Iterable<Buffer>): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: kargo?.port ?? 0, path, method: 'POST', headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('error', reject);
    const iterator = chunks[Symbol.iterator]();
    const pump = (): void => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        if (outgoing.destroyed) return;
        if (!outgoing.write(next.value)) {
          outgoing.once('drain', pump);
          return;
        }
      }
      outgoing.end();
    };
    pump();
  });
}

describe('the write endpoints', () => {
  it('refuse unsigned and wrongly signed webhooks with 401, and fetch nothing', async () => {
    const body = pushEvent('0'.repeat(40));
    const refused = [
      {},
      signed.GitHub(body, 'guess'),
      { 'x-hub-signature-256': hmac(secret, body) },
      signed.GitHub(`${body} `),
      signed.Gitea(body, 'guess'),
      signed.GitLab(body, 'guess'),
      { 'x-gitlab-token': '' },
    ];
    for (const headers of refused) {
      const answer = await post('/hooks/git', headers, body);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ code: ErrorCode.Unauthorized });
    }
    await sleep(intervalMs);
    expect(fetchStarts()).toEqual([]);
  });

  it.each(['GitHub', 'Gitea', 'GitLab'] as const)('fetch once on a valid %s webhook', async (forge) => {
    const before = fetchStarts().length;
    const sha = repo.write('README.md', `pushed for ${forge}\n`).commit(`push for ${forge}`);
    const body = pushEvent(sha);
    const answer = await post('/hooks/git', signed[forge](body), body);
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toMatchObject({ accepted: true });
    await waitFor(`the ${forge} push to be fetched`, () => (revision() === sha ? true : undefined));
    // Past the interval, so that the next test's request starts a fetch of its own.
    await sleep(intervalMs);
    expect(fetchStarts().length).toBe(before + 1);
  });

  it('turn a flood of 50 webhooks into at most one fetch per interval', async () => {
    const before = fetchStarts().length;
    const sha = repo.write('README.md', 'flood\n').commit('flood');
    const body = pushEvent(sha);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 50 }, () => post('/hooks/git', signed.GitHub(body), body)));
    const floodMs = Date.now() - started;
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 50 }, () => 202));
    await waitFor('the flood\'s push to be fetched', () => (revision() === sha ? true : undefined));
    await sleep(3 * intervalMs);
    const starts = fetchStarts().slice(before);
    // One fetch at once, one owed to the requests that came while it ran; then nothing.
    expect(starts.length).toBeGreaterThanOrEqual(1);
    expect(starts.length).toBeLessThanOrEqual(1 + Math.ceil(floodMs / intervalMs));
    for (let i = 1; i < starts.length; i++) expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(intervalMs);
    console.log(`[webhooks] 50 requests answered in ${String(floodMs)} ms, ${String(starts.length)} fetches`);
  });

  it('answer 413 to a body over 1 MiB, declared or streamed, without reading it', async () => {
    await sleep(intervalMs);
    const before = fetchStarts().length;
    const declared = await postStreaming('/hooks/git', { ...signed.GitLab(''), 'content-length': String(300 * 1024 * 1024) }, []);
    expect(declared).toBe(413);
    // 300 MiB in 64 KiB chunks, no Content-Length (chunked): the answer comes after about 1 MiB.
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const chunks = function* (): Generator<Buffer> {
      for (; sent < 300 * 1024 * 1024; sent += chunk.length) yield chunk;
    };
    const started = Date.now();
    expect(await postStreaming('/hooks/git', signed.GitLab(''), chunks())).toBe(413);
    console.log(`[webhooks] 413 after ${String(Math.round(sent / 1024))} KiB sent, in ${String(Date.now() - started)} ms`);
    expect(sent).toBeLessThan(32 * 1024 * 1024);
    expect((await fetch(`http://127.0.0.1:${String(kargo?.port ?? 0)}/healthz`)).status).toBe(200);
    await sleep(intervalMs);
    expect(fetchStarts().length).toBe(before);
  });

  it('make refresh need the secret as a bearer token', async () => {
    await sleep(intervalMs);
    const before = fetchStarts().length;
    const missing = await post('/api/v1/sources/refresh', {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await post('/api/v1/sources/refresh', { authorization: 'Bearer guess' })).status).toBe(401);
    expect((await post('/api/v1/sources/refresh', { authorization: `Bearer ${secret}` })).status).toBe(202);
    await waitFor('the refresh to fetch', () => (fetchStarts().length === before + 1 ? true : undefined));
  });

  it('answer a failed fetch with 202 and no git output, and log it', async () => {
    await sleep(intervalMs);
    const moved = `${repo.bare}.moved`;
    renameSync(repo.bare, moved);
    try {
      const answer = await post('/api/v1/sources/refresh', { authorization: `Bearer ${secret}` });
      expect(answer.status).toBe(202);
      expect(answer.body).not.toMatch(/git|remote\.git|\/tmp/);
      await waitFor('the failure to be logged', () => (logLines.some((line) => line.msg.startsWith('refresh failed')) ? true : undefined));
    } finally {
      renameSync(moved, repo.bare);
    }
  });

  it('are off without a webhook secret, and say how to turn them on', async () => {
    const body = pushEvent('0'.repeat(40));
    for (const path of ['/hooks/git', '/api/v1/sources/refresh']) {
      const answer = await post(path, { ...signed.GitHub(body), authorization: `Bearer ${secret}` }, body, unsecured);
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ code: ErrorCode.WebhookDisabled, error: expect.stringContaining('--webhook-secret-file') as unknown });
    }
  });
});
