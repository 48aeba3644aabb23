import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode, KargoError } from '../../errors.js';

/** How a forge's webhook proves it knows the secret: an HMAC of the body, or the secret itself. */
export type WebhookProof = { readonly forge: 'github' | 'gitea'; readonly signature: string } | { readonly forge: 'gitlab'; readonly token: string };

/**
 * The proof a request carries, from the first of these headers it has: GitHub's
 * `X-Hub-Signature-256: sha256=<hex>` (Gitea sends it too), Gitea's `X-Gitea-Signature: <hex>`
 * (both an HMAC-SHA256 of the raw body), GitLab's `X-Gitlab-Token: <secret>`. Undefined: none.
 * Found before the body is read, so that a request without any is refused without reading it.
 */
export function webhookProof(headers: IncomingHttpHeaders): WebhookProof | undefined {
  const github = headerText(headers, 'x-hub-signature-256');
  if (github !== undefined) return { forge: 'github', signature: github.toLowerCase() };
  const gitea = headerText(headers, 'x-gitea-signature');
  if (gitea !== undefined) return { forge: 'gitea', signature: gitea.toLowerCase() };
  const gitlab = headerText(headers, 'x-gitlab-token');
  return gitlab === undefined ? undefined : { forge: 'gitlab', token: gitlab };
}

/** Whether `proof` holds for `body` and `secret`; every compare takes the same time whatever the input. */
export function proofHolds(proof: WebhookProof, body: Buffer, secret: string): boolean {
  if (proof.forge === 'gitlab') return sameText(proof.token, secret);
  const hex = createHmac('sha256', secret).update(body).digest('hex');
  return sameText(proof.signature, proof.forge === 'github' ? `sha256=${hex}` : hex);
}

/** Whether `Authorization: Bearer <secret>` is there and right. */
export function bearerHolds(headers: IncomingHttpHeaders, secret: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1] !== undefined && sameText(match[1], secret);
}

/**
 * Compares digests of both texts, not the texts: timingSafeEqual wants equal lengths, and
 * returning early on a length mismatch would tell a caller how long the secret is.
 */
function sameText(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

/**
 * The webhook secret from its file (a Swarm secret, typically), without the trailing newline
 * an editor or `echo` leaves. The error names the file, never its content.
 */
export async function readWebhookSecret(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code;
    throw new KargoError(ErrorCode.WebhookSecretUnreadable, `cannot read --webhook-secret-file ${file} (${typeof reason === 'string' ? reason : 'unreadable'})`);
  }
  const secret = text.replace(/[\r\n]+$/, '');
  if (secret === '') throw new KargoError(ErrorCode.WebhookSecretUnreadable, `--webhook-secret-file ${file} is empty`);
  return secret;
}
