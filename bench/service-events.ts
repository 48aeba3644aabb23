/**
 * The engine's own account of when a service changed: its `update` events, recorded with the
 * time they reach the bench. The same clock for both tools, whatever process sent the update.
 */
import type Docker from 'dockerode';
import { followServiceEvents } from '../src/adapters/docker/service-events.js';
import { sleep } from './measure.js';

export interface ServiceEventLog {
  /** Arrival time (performance.now() ms) of the first `update` event of `name` at or after `since`. */
  firstUpdate(name: string, since: number): number | undefined;
  stop(): void;
}

/** Starts recording service update events; resolves once the stream is connected. */
export async function recordServiceUpdates(docker: Docker): Promise<ServiceEventLog> {
  const updates = new Map<string, number[]>();
  const state = { connected: false };
  const stop = followServiceEvents(docker, {
    onEvent: (event) => {
      if (event.action !== 'update' || event.serviceName === undefined) return;
      const seen = updates.get(event.serviceName) ?? [];
      seen.push(performance.now());
      updates.set(event.serviceName, seen);
    },
    onConnected: () => {
      state.connected = true;
    },
    onDisconnected: () => undefined,
  });
  for (let i = 0; i < 100 && !state.connected; i++) await sleep(20);
  return {
    firstUpdate: (name, since) => updates.get(name)?.find((at) => at >= since),
    stop,
  };
}
