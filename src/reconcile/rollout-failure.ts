import { taskProbeMarker } from '../core/ogc/ogc-task-probe.js';
import type { Task } from '../core/swarm/engine-api.js';
import type { SwarmPort } from './swarm-port.js';

/** What the last failed task of a service said: Swarm's error, and its OGC check's reason when it was unhealthy. */
export async function lastTaskFailure(serviceId: string, swarm: SwarmPort): Promise<string | undefined> {
  const tasks = await swarm.listTasks({ service: [serviceId] });
  const failed = tasks.filter((task) => task.Status?.State === 'failed' || task.Status?.State === 'rejected');
  // Parsed, not compared as text: RFC 3339 times drop trailing zeros of the fraction ("…00Z" vs "…00.1Z").
  const at = (task: Task): number => Date.parse(task.Status?.Timestamp ?? '') || 0;
  const sorted = failed.sort((a, b) => at(a) - at(b));
  const reasons = sorted.map((task) => task.Status?.Err ?? task.Status?.Message ?? '');
  // A task torn down while the node drops its copy of an overlay network may fail on that
  // clean-up alone: it says nothing about why the rollout failed, so an earlier reason wins.
  const index = reasons.findLastIndex((reason) => !cleanupFailure.test(reason));
  const reason = index >= 0 ? reasons[index] : reasons.pop();
  const task = index >= 0 ? sorted[index] : undefined;
  const check = task === undefined ? undefined : await ogcCheckOutput(task, swarm);
  return check === undefined ? reason : `${reason ?? 'unhealthy'}; its OGC check said: ${check}`;
}

/**
 * Why an unhealthy task's OGC check failed, from the health log Docker keeps with the container
 * (src/core/ogc/ogc-task-probe.ts prints the reason after its marker). Only a container of this
 * node can be read: on a task of another node the rollback message keeps Swarm's reason alone.
 */
async function ogcCheckOutput(task: Task, swarm: SwarmPort): Promise<string | undefined> {
  const containerId = task.Status?.ContainerStatus?.ContainerID;
  if (containerId === undefined || containerId === '' || !/unhealthy/i.test(task.Status?.Err ?? '')) return undefined;
  const outputs = (await swarm.containerHealthLog(containerId)) ?? [];
  const line = outputs.flatMap((output) => output.split('\n')).filter((text) => text.startsWith(taskProbeMarker)).pop();
  return line?.slice(taskProbeMarker.length).trim();
}

/** Errors of the engine's own clean-up of a task, not of the task's work. */
const cleanupFailure = /^error while removing network/;
