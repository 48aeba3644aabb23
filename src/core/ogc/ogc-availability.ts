import type { DesiredService } from '../diff/plan-changes.js';
import type { Condition } from '../status/object-status.js';
import type { OgcEndpoint } from './ogc-endpoint.js';
import type { OgcProbeResult } from './ogc-probe-result.js';

/**
 * Where Kargo probes a GeoService from: the manifest's `ogc.url`, or the port the service
 * publishes for its endpoint (reached at the operator's --ogc-host), or nowhere. Kargo does not
 * join the services' networks to reach them: that would break their isolation and keep their
 * networks in use; a published port or a public URL is also what the service's users reach.
 */
export type OgcProbeTarget =
  | { readonly kind: 'url'; readonly url: string; readonly endpoint: OgcEndpoint }
  | { readonly kind: 'published'; readonly publishedPort: number; readonly endpoint: OgcEndpoint }
  | { readonly kind: 'in-task'; readonly endpoint: OgcEndpoint };

export function ogcProbeTargetOf(desired: DesiredService): OgcProbeTarget | undefined {
  const endpoint = desired.ogc;
  if (endpoint === undefined) return undefined;
  if (endpoint.url !== undefined) return { kind: 'url', url: endpoint.url, endpoint };
  const port = desired.spec.EndpointSpec?.Ports?.find((candidate) => candidate.TargetPort === endpoint.port && candidate.PublishedPort !== undefined && (candidate.Protocol ?? 'tcp') === 'tcp');
  if (port?.PublishedPort !== undefined) return { kind: 'published', publishedPort: port.PublishedPort, endpoint };
  return { kind: 'in-task', endpoint };
}

/** What the Available condition is made from: Kargo's probe, or (no way to reach the service) the in-task check Swarm runs. */
export type Availability =
  | { readonly kind: 'probed'; readonly url: string; readonly result: OgcProbeResult }
  | { readonly kind: 'in-task'; readonly runningTasks: number; readonly desiredTasks: number };

/** A task with a health check is running only once the check passed: its running tasks are those that pass. */
function tasksPassing(tasks: { readonly runningTasks: number; readonly desiredTasks: number }): string {
  return `${String(tasks.runningTasks)} of ${String(tasks.desiredTasks)} tasks pass`;
}

/**
 * The Available condition: whether the service answers its OGC requests as a client sees them.
 * Its reason is the probe's (LayerMissing, NotAnImage, …), so an alert or a dependent can say why.
 */
export function availableCondition(availability: Availability, previous: Condition | undefined, now: string): Condition {
  const next =
    availability.kind === 'probed'
      ? {
          status: availability.result.verdict.ok ? ('True' as const) : ('False' as const),
          reason: availability.result.verdict.ok ? 'OgcChecksPassed' : availability.result.verdict.reason,
          message: availability.result.verdict.message,
        }
      : availability.runningTasks > 0
        ? { status: 'True' as const, reason: 'InTaskCheckPassed', message: `${tasksPassing(availability)} the in-task OGC check (Kargo does not probe it: no ogc.url and no published port)` }
        : { status: 'False' as const, reason: 'InTaskCheckFailing', message: `${tasksPassing(availability)} the in-task OGC check` };
  const lastTransitionTime = previous !== undefined && previous.status === next.status ? previous.lastTransitionTime : now;
  return { type: 'Available', ...next, lastTransitionTime };
}
