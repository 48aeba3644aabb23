import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Readiness } from '../../controller/operator.js';
import type { IgnoredDocument, ManifestProblem } from '../../core/manifest/manifest-set.js';
import type { ObjectStatus } from '../../core/status/object-status.js';
import { describeError } from '../../errors.js';
import { formatKey, type ObjectKind } from '../../core/object-key.js';

/** What the server shows; the operator provides it. */
export interface StatusSource {
  readiness(): Readiness;
  statuses(): readonly ObjectStatus[];
  revision(): string | undefined;
  manifestProblems(): readonly ManifestProblem[];
  ignoredDocuments(): readonly IgnoredDocument[];
  /** Reads the source again now. */
  refresh(): Promise<void>;
}

/** The list answer of `GET /api/v1/geoservices`, `/api/v1/networks` and `/api/v1/objects` (every kind). */
export interface ObjectStatusList {
  readonly revision: string | null;
  readonly ready: boolean;
  readonly items: readonly ObjectStatus[];
  readonly manifestErrors: readonly ManifestProblem[];
  readonly ignored: readonly IgnoredDocument[];
}

/**
 * Kargo's one HTTP server: `/metrics`, `/healthz`, `/readyz`, the status API and the source
 * refresh hook. Small on purpose: no framework, JSON in and out.
 */
export function createStatusServer(source: StatusSource, registry: Registry): Server {
  return createServer((request, response) => {
    void route(request, source, registry)
      .catch((error: unknown): Reply => ({ status: 500, body: { error: describeError(error) } }))
      .then((reply) => {
        const text = typeof reply.body === 'string' ? reply.body : `${JSON.stringify(reply.body, null, 2)}\n`;
        response.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json; charset=utf-8' });
        response.end(text);
      });
  });
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
}

async function route(request: IncomingMessage, source: StatusSource, registry: Registry): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://kargo');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = request.method ?? 'GET';
  if (method === 'GET' && path === '/metrics') return { status: 200, body: await registry.metrics(), contentType: registry.contentType };
  if (method === 'GET' && path === '/healthz') return { status: 200, body: { status: 'ok' } };
  if (method === 'GET' && path === '/readyz') {
    const readiness = source.readiness();
    return { status: readiness.ready ? 200 : 503, body: readiness };
  }
  const list = /^\/api\/v1\/(geoservices|networks|objects)$/.exec(path);
  if (method === 'GET' && list !== null) return { status: 200, body: listOf(source, kindOfCollection(list[1])) };
  const one = /^\/api\/v1\/(geoservices|networks)\/([^/]+)\/([^/]+)$/.exec(path);
  if (method === 'GET' && one !== null) {
    const kind = kindOfCollection(one[1]) ?? 'GeoService';
    const key = formatKey(kind, decodeURIComponent(one[2] ?? ''), decodeURIComponent(one[3] ?? ''));
    const status = source.statuses().find((candidate) => candidate.key === key);
    return status === undefined ? { status: 404, body: { error: `no ${kind} ${key}` } } : { status: 200, body: status };
  }
  if (method === 'POST' && (path === '/api/v1/sources/refresh' || path === '/hooks/git')) {
    await source.refresh();
    return { status: 202, body: { refreshed: true, revision: source.revision() ?? null } };
  }
  return { status: 404, body: { error: `no route for ${method} ${url.pathname}` } };
}

/** The kind a collection of the API lists; undefined for `objects`, every kind. */
function kindOfCollection(collection: string | undefined): ObjectKind | undefined {
  return collection === 'geoservices' ? 'GeoService' : collection === 'networks' ? 'Network' : undefined;
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
