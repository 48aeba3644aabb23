import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '../../errors.js';
import { bearerHolds, proofHolds, webhookProof } from './webhook-auth.js';

/** The answer to one request. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The endpoints that make Kargo do something (a fetch); everything else only reads. */
export const writePaths: ReadonlySet<string> = new Set(['/hooks/git', '/api/v1/sources/refresh']);

/** What the write endpoints need; without it (no --webhook-secret-file) they are off. */
export interface WriteAccess {
  readonly secret: string;
  /** Asks for a fetch and returns at once: the caller throttles and coalesces. */
  requestRefresh(): void;
  /** Asks for a run of a GeoJob (by key) now; false when there is no such GeoJob. */
  requestRun?(key: string): boolean;
}

/** `POST /api/v1/geojobs/{namespace}/{name}/run`: the namespace and name, or undefined for another path. */
export function runPathOf(path: string): { namespace: string; name: string } | undefined {
  const match = /^\/api\/v1\/geojobs\/([^/]+)\/([^/]+)\/run$/.exec(path);
  return match === null ? undefined : { namespace: decodeURIComponent(match[1] ?? ''), name: decodeURIComponent(match[2] ?? '') };
}

/**
 * `POST /api/v1/geojobs/{namespace}/{name}/run` (kargo job run): a run of the GeoJob now, behind
 * the same bearer token as the refresh endpoint. 202 once asked; the run starts at the job's next
 * reconcile, under its concurrency policy (with Forbid, after the active run).
 */
export async function handleRunRequest(request: IncomingMessage, key: string, access: WriteAccess | undefined): Promise<Reply> {
  if (access === undefined) return errorReply(403, ErrorCode.WebhookDisabled, 'POST …/run is off: start Kargo with --webhook-secret-file FILE (or KARGO_WEBHOOK_SECRET_FILE) to turn it on');
  if (!bearerHolds(request.headers, access.secret)) return errorReply(401, ErrorCode.Unauthorized, 'needs Authorization: Bearer <the webhook secret>', { 'www-authenticate': 'Bearer realm="kargo"' });
  if ((await readBody(request, maxBodyBytes)) === 'too-large') return tooLarge;
  if (access.requestRun?.(key) !== true) return errorReply(404, ErrorCode.JobNotFound, `no GeoJob ${key} is managed here`);
  return { status: 202, body: { accepted: true, key, message: 'the run starts at the job\'s next reconcile; watch /api/v1/geojobs' } };
}

/** A push event is a few KiB to a few hundred (GitHub caps its payloads at 25 MB, with the commits listed). */
export const maxBodyBytes = 1024 * 1024;

export function errorReply(status: number, code: ErrorCode, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: message, code }, ...(headers === undefined ? {} : { headers }) };
}

const accepted: Reply = { status: 202, body: { accepted: true, message: 'a fetch is started or queued; the new revision shows in /api/v1/objects' } };

/**
 * `POST /hooks/git` (a forge's signed webhook) and `POST /api/v1/sources/refresh` (a bearer
 * token). Each check that can refuse without the body runs before it is read; the body itself
 * is read only up to `maxBodyBytes`. The answer never waits for the fetch, so it cannot carry
 * git's output: a failed fetch is logged by whoever runs it.
 */
export async function handleWrite(request: IncomingMessage, path: string, access: WriteAccess | undefined): Promise<Reply> {
  if (access === undefined) {
    return errorReply(403, ErrorCode.WebhookDisabled, `POST ${path} is off: start Kargo with --webhook-secret-file FILE (or KARGO_WEBHOOK_SECRET_FILE) to turn it on`);
  }
  if (path === '/hooks/git') {
    const proof = webhookProof(request.headers);
    if (proof === undefined) return errorReply(401, ErrorCode.Unauthorized, 'no X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token header');
    const body = await readBody(request, maxBodyBytes);
    if (body === 'too-large') return tooLarge;
    if (!proofHolds(proof, body, access.secret)) return errorReply(401, ErrorCode.Unauthorized, `the ${proof.forge === 'gitlab' ? 'X-Gitlab-Token' : 'signature'} does not match the webhook secret`);
  } else {
    if (!bearerHolds(request.headers, access.secret)) {
      return errorReply(401, ErrorCode.Unauthorized, 'needs Authorization: Bearer <the webhook secret>', { 'www-authenticate': 'Bearer realm="kargo"' });
    }
    if ((await readBody(request, maxBodyBytes)) === 'too-large') return tooLarge;
  }
  access.requestRefresh();
  return accepted;
}

const tooLarge = errorReply(413, ErrorCode.BodyTooLarge, `the body is over ${String(maxBodyBytes)} bytes`);

/**
 * The body, or 'too-large' as soon as Content-Length or the bytes received pass `limit`: then
 * reading stops there (the server closes the connection rather than read the rest).
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  if (Number(request.headers['content-length'] ?? 0) > limit) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      request.off('data', onData).off('end', onEnd).off('close', onClose).off('error', reject);
      request.pause();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        settle();
        resolve('too-large');
      }
    };
    const onEnd = (): void => {
      settle();
      resolve(Buffer.concat(chunks, size));
    };
    const onClose = (): void => {
      settle();
      reject(new Error('the client closed the connection before the end of the body'));
    };
    request.on('data', onData).on('end', onEnd).on('close', onClose).on('error', reject);
  });
}
