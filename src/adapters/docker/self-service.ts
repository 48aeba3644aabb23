import { hostname } from 'node:os';
import { taskOfContainer } from '../../core/policy/self-service.js';
import type { SwarmClient } from './swarm-client.js';

/**
 * The Swarm service Kargo runs as, so that no manifest can target it: `configured` (the stack
 * sets KARGO_SELF_SERVICE to "{{.Service.Name}}", which Swarm fills in), else the service of
 * the running task whose container id starts with this host's name (Swarm's default hostname),
 * through the tasks endpoint a socket proxy allows. Undefined when Kargo runs outside Swarm.
 */
export async function findSelfService(swarm: SwarmClient, configured: string | undefined, host: string = hostname()): Promise<string | undefined> {
  if (configured !== undefined && configured !== '') return configured;
  const task = taskOfContainer(await swarm.listTasks({ 'desired-state': ['running'] }), host);
  if (task?.ServiceID === undefined) return undefined;
  const [service] = await swarm.listServices({ id: [task.ServiceID] });
  return service?.Spec.Name;
}
