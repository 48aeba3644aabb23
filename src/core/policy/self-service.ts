import type { Task } from '../swarm/engine-api.js';

/**
 * The task whose container this process runs in, from the container's hostname: Swarm names a
 * task's container host after the first 12 characters of its id unless the service sets a
 * hostname, so anything else matches nothing (and KARGO_SELF_SERVICE must say it).
 */
export function taskOfContainer(tasks: readonly Task[], hostname: string): Task | undefined {
  if (!/^[0-9a-f]{12}$/.test(hostname)) return undefined;
  const matching = tasks.filter((task) => task.Status?.ContainerStatus?.ContainerID?.startsWith(hostname) === true);
  // Two containers sharing 12 characters of a 64-character id: too unlikely to guess between.
  return matching.length === 1 ? matching[0] : undefined;
}
