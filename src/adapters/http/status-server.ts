import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Readiness } from '../../controller/operator.js';
import type { IgnoredDocument, ManifestProblem } from '../../core/manifest/manifest-set.js';
import type { ObjectStatus } from '../../core/status/object-status.js';
import { describeError, ErrorCode } from '../../errors.js';
import { formatKey, type ObjectKind } from '../../core/object-key.js';
import { errorReply, handleRunRequest, handleWrite, runPathOf, writePaths, type Reply, type WriteAccess } from './write-endpoints.js';

/** What the server shows; the operator provides it. */
export interface StatusSource {
  readiness(): Readiness;
  statuses(): readonly ObjectStatus[];
  revision(): string | undefined;
  manifestProblems(): readonly ManifestProblem[];
  ignoredDocuments(): readonly IgnoredDocument[];
}

/** The list answer of `GET /api/v1/geoservices`, `/api/v1/networks`, `/api/v1/geojobs` and `/api/v1/objects` (every kind). */
export interface ObjectStatusList {
  readonly revision: string | null;
  readonly ready: boolean;
  readonly items: readonly ObjectStatus[];
  readonly manifestErrors: readonly ManifestProblem[];
  readonly ignored: readonly IgnoredDocument[];
}

export interface StatusServerOptions {
  /** Where the detail of a request that failed goes: the answer only has a code. */
  readonly logger?: Logger;
  /** The write endpoints' secret and fetch trigger; without it they answer 403. */
  readonly writes?: WriteAccess;
}

/**
 * Kargo's one HTTP server: `/metrics`, `/healthz`, `/readyz`, the status API and the two write
 * endpoints (write-endpoints.ts). Small on purpose: no framework, JSON in and out.
 */
export function createStatusServer(source: StatusSource, registry: Registry, options: StatusServerOptions = {}): Server {
  const server = createServer((request, response) => {
    void route(request, source, registry, options.writes)
      .catch((error: unknown): Reply => {
        options.logger?.error({ err: describeError(error), method: request.method }, 'http: a request failed');
        return errorReply(500, ErrorCode.HttpInternal, "internal error (Kargo's log has the detail)");
      })
      .then((reply) => send(request, response, reply));
  });
  // A slow or stalled client holds a socket and memory: bound the time to send headers and the
  // whole request (a webhook is one small POST), and how long an idle connection stays open.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  return server;
}

function send(request: IncomingMessage, response: ServerResponse, reply: Reply): void {
  const text = typeof reply.body === 'string' ? reply.body : `${JSON.stringify(reply.body, null, 2)}\n`;
  // A body left unread (refused, or past the limit) is not drained: the connection ends instead.
  const unread = !request.complete;
  response.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    ...reply.headers,
    ...(unread ? { connection: 'close' } : {}),
  });
  response.end(text, () => {
    if (unread) request.socket.destroy();
  });
}

async function route(request: IncomingMessage, source: StatusSource, registry: Registry, writes: WriteAccess | undefined): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://kargo');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = request.method ?? 'GET';
  if (method === 'GET' && path === '/metrics') return { status: 200, body: await registry.metrics(), contentType: registry.contentType };
  if (method === 'GET' && path === '/healthz') return { status: 200, body: { status: 'ok' } };
  if (method === 'GET' && path === '/readyz') {
    const readiness = source.readiness();
    return { status: readiness.ready ? 200 : 503, body: readiness };
  }
  const list = /^\/api\/v1\/(geoservices|networks|geojobs|objects)$/.exec(path);
  if (method === 'GET' && list !== null) return { status: 200, body: listOf(source, kindOfCollection(list[1])) };
  const one = /^\/api\/v1\/(geoservices|networks|geojobs)\/([^/]+)\/([^/]+)$/.exec(path);
  if (method === 'GET' && one !== null) {
    const kind = kindOfCollection(one[1]) ?? 'GeoService';
    const key = formatKey(kind, decodeURIComponent(one[2] ?? ''), decodeURIComponent(one[3] ?? ''));
    const status = source.statuses().find((candidate) => candidate.key === key);
    return status === undefined ? { status: 404, body: { error: `no ${kind} ${key}` } } : { status: 200, body: status };
  }
  if (method === 'POST' && writePaths.has(path)) return handleWrite(request, path, writes);
  const run = runPathOf(path);
  if (method === 'POST' && run !== undefined) return handleRunRequest(request, formatKey('GeoJob', run.namespace, run.name), writes);
  return { status: 404, body: { error: `no route for ${method} ${url.pathname}` } };
}

/** The kind a collection of the API lists; undefined for `objects`, every kind. */
function kindOfCollection(collection: string | undefined): ObjectKind | undefined {
  const kinds: Record<string, ObjectKind> = { geoservices: 'GeoService', networks: 'Network', geojobs: 'GeoJob' };
  return collection === undefined ? undefined : kinds[collection];
}

function listOf(source: StatusSource, kind: ObjectKind | undefined): ObjectStatusList {
  return {
    revision: source.revision() ?? null,
    ready: source.readiness().ready,
    items: source
      .statuses()
      .filter((status) => kind === undefined || status.kind === kind)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    manifestErrors: source.manifestProblems(),
    ignored: source.ignoredDocuments(),
  };
}

/** Parses `host:port` (or `:port`) for listen(). */
export function parseListenAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = colon <= 0 ? '0.0.0.0' : address.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--listen must be host:port, not "${address}"`);
  return { host, port };
}

/** Starts listening; resolves with the bound port (useful with port 0). */
export async function listen(server: Server, address: string): Promise<number> {
  const { host, port } = parseListenAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  return typeof bound === 'object' && bound !== null ? bound.port : port;
}
