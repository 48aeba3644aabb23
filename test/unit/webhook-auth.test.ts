import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bearerHolds, proofHolds, readWebhookSecret, webhookProof } from '../../src/adapters/http/webhook-auth.js';
import { parseRunConfig } from '../../src/cli/run-config.js';
import { ErrorCode } from '../../src/errors.js';

const secret = 'It5-a-s3cret';
const body = Buffer.from('{"ref":"refs/heads/main","after":"0123abc"}');
const hmac = (key: string, data: Buffer = body): string => createHmac('sha256', key).update(data).digest('hex');

/** Whether a request with these headers and this body is let through. */
function accepted(headers: Record<string, string>, data: Buffer = body): boolean {
  const proof = webhookProof(headers);
  return proof !== undefined && proofHolds(proof, data, secret);
}

describe('webhook signatures', () => {
  it.each([
    ['GitHub', { 'x-hub-signature-256': `sha256=${hmac(secret)}` }],
    ['GitHub, upper-case hex', { 'x-hub-signature-256': `sha256=${hmac(secret).toUpperCase()}` }],
    ['Gitea', { 'x-gitea-signature': hmac(secret) }],
    ['GitLab', { 'x-gitlab-token': secret }],
  ])('accepts a valid %s request', (_forge, headers) => {
    expect(accepted(headers)).toBe(true);
  });

  it.each([
    ['no header', {}],
    ['GitHub, another secret', { 'x-hub-signature-256': `sha256=${hmac('guess')}` }],
    ['GitHub, without the sha256= prefix', { 'x-hub-signature-256': hmac(secret) }],
    ['GitHub, the old SHA-1 header only', { 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` }],
    ['GitHub, truncated', { 'x-hub-signature-256': `sha256=${hmac(secret).slice(0, 40)}` }],
    ['Gitea, another secret', { 'x-gitea-signature': hmac('guess') }],
    ['Gitea, empty', { 'x-gitea-signature': '' }],
    ['GitLab, another token', { 'x-gitlab-token': 'guess' }],
    ['GitLab, the secret and more', { 'x-gitlab-token': `${secret}x` }],
    ['GitLab, a prefix of the secret', { 'x-gitlab-token': secret.slice(0, 4) }],
  ])('refuses %s', (_case, headers) => {
    expect(accepted(headers)).toBe(false);
  });

  it('refuses a signature of another body', () => {
    expect(accepted({ 'x-hub-signature-256': `sha256=${hmac(secret)}` }, Buffer.from('{"ref":"refs/heads/evil"}'))).toBe(false);
  });

  it('goes by the first header of GitHub, Gitea, GitLab that is there (a wrong signature is not saved by a right token)', () => {
    expect(webhookProof({ 'x-gitea-signature': 'a', 'x-hub-signature-256': 'b', 'x-gitlab-token': 'c' })?.forge).toBe('github');
    expect(accepted({ 'x-hub-signature-256': 'sha256=00', 'x-gitlab-token': secret })).toBe(false);
  });
});

describe('the refresh bearer token', () => {
  it.each([
    [`Bearer ${secret}`, true],
    [`bearer ${secret}`, true],
    [`Bearer ${secret} `, true],
    [`Bearer ${secret}x`, false],
    ['Bearer', false],
    [`Basic ${Buffer.from(`kargo:${secret}`).toString('base64')}`, false],
    [secret, false],
  ])('%j → %s', (authorization, expected) => {
    expect(bearerHolds({ authorization }, secret)).toBe(expected);
  });

  it('is refused without an Authorization header', () => {
    expect(bearerHolds({}, secret)).toBe(false);
  });
});

describe('--webhook-secret-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kargo-webhook-secret-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('is read without its trailing newline', async () => {
    expect(await readWebhookSecret(file('unix', `${secret}\n`))).toBe(secret);
    expect(await readWebhookSecret(file('windows', `${secret}\r\n`))).toBe(secret);
    expect(await readWebhookSecret(file('bare', secret))).toBe(secret);
  });

  it('is refused when empty or missing, with an error that names the file and not its content', async () => {
    await expect(readWebhookSecret(file('empty', '\n'))).rejects.toMatchObject({ code: ErrorCode.WebhookSecretUnreadable, message: expect.stringContaining('is empty') as unknown });
    const missing = await readWebhookSecret(join(dir, 'missing')).catch((error: unknown) => error);
    expect(missing).toMatchObject({ code: ErrorCode.WebhookSecretUnreadable, message: expect.stringContaining('ENOENT') as unknown });
  });

  it('comes from the flag or KARGO_WEBHOOK_SECRET_FILE; empty means off', () => {
    expect(parseRunConfig(['--webhook-secret-file', '/run/secrets/hook'], {}).webhookSecretFile).toBe('/run/secrets/hook');
    expect(parseRunConfig([], { KARGO_WEBHOOK_SECRET_FILE: '/run/secrets/env' }).webhookSecretFile).toBe('/run/secrets/env');
    expect(parseRunConfig([], { KARGO_WEBHOOK_SECRET_FILE: '' }).webhookSecretFile).toBeUndefined();
    expect(parseRunConfig([], {}).webhookSecretFile).toBeUndefined();
  });

  it('leaves --listen on the loopback interface unless told otherwise', () => {
    expect(parseRunConfig([], {}).listen).toBe('127.0.0.1:9469');
    expect(parseRunConfig([], { KARGO_LISTEN: '0.0.0.0:9469' }).listen).toBe('0.0.0.0:9469');
  });
});
