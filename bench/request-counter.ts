/**
 * Counts the Docker API requests Kargo sends when it runs through `main()`, where the bench cannot
 * reach its SwarmClient: wraps SwarmClient's public request methods on the prototype. The write
 * methods are the points that feed `kargo_docker_api_requests_total{operation="create_service"|
 * "update_service"|"remove_service"}`. Updates are counted at `updateService`, so a retried
 * "out of sequence" update counts twice, as it is sent twice; `modifyService` is counted
 * through the `inspectService` and `updateService` requests it makes.
 */
import { SwarmClient } from '../src/adapters/docker/swarm-client.js';

/** The engine API operations, named as in kargo_docker_api_requests_total. */
export const requestOperations = {
  info: 'info',
  listNodes: 'list_nodes',
  listServices: 'list_services',
  inspectService: 'inspect_service',
  createService: 'create_service',
  updateService: 'update_service',
  removeService: 'remove_service',
  listNetworks: 'list_networks',
  listTasks: 'list_tasks',
} as const;

type Method = keyof typeof requestOperations;
export type Operation = (typeof requestOperations)[Method];

/** The operations that change the swarm. */
export const writeOperations: readonly Operation[] = ['create_service', 'update_service', 'remove_service'];

/** One request Kargo sent: which operation, and when (performance.now() ms). */
export interface RequestRecord {
  readonly operation: Operation;
  /** For creates and updates, the name of the service in the spec sent. */
  readonly service?: string;
  readonly at: number;
}

const records: RequestRecord[] = [];
const ignored = new WeakSet<SwarmClient>();
let installed = false;

/** Leaves the requests of `client` (the bench's own) out of the counts. */
export function ignoreClient(client: SwarmClient): void {
  ignored.add(client);
}

/** The service name in a create's or update's spec argument, if there is one. */
function specName(args: readonly unknown[]): string | undefined {
  const spec = args.find((arg): arg is { Name?: unknown } => typeof arg === 'object' && arg !== null && 'Name' in arg);
  return typeof spec?.Name === 'string' ? spec.Name : undefined;
}

/** Installs the wrappers (once per process). */
export function installRequestCounter(): void {
  if (installed) return;
  installed = true;
  const proto = SwarmClient.prototype as unknown as Record<Method, (...args: unknown[]) => Promise<unknown>>;
  for (const [method, operation] of Object.entries(requestOperations) as [Method, Operation][]) {
    const original = proto[method];
    proto[method] = function (this: SwarmClient, ...args: unknown[]): Promise<unknown> {
      if (!ignored.has(this)) {
        const service = specName(args);
        records.push({ operation, at: performance.now(), ...(service === undefined ? {} : { service }) });
      }
      return original.apply(this, args);
    };
  }
}

/** Runs `work` and returns the requests sent meanwhile. */
export async function recordRequests<T>(work: () => Promise<T>): Promise<{ result: T; requests: RequestRecord[] }> {
  installRequestCounter();
  const from = records.length;
  const result = await work();
  return { result, requests: records.slice(from) };
}

/** Requests by operation, e.g. `{ list_services: 1000, create_service: 500 }`. */
export function countByOperation(requests: readonly RequestRecord[]): Partial<Record<Operation, number>> {
  const counts: Partial<Record<Operation, number>> = {};
  for (const request of requests) counts[request.operation] = (counts[request.operation] ?? 0) + 1;
  return counts;
}

/** "1000 list_services, 500 create_service, …", largest first. */
export function describeCounts(counts: Partial<Record<string, number>>): string {
  return Object.entries(counts)
    .filter((entry): entry is [string, number] => entry[1] !== undefined && entry[1] > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([operation, count]) => `${String(count)} ${operation}`)
    .join(', ');
}
