import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import { describeError } from '../../errors.js';

/** One service event as the engine sends it (`GET /events`, type=service). */
export interface ServiceEvent {
  readonly action: string;
  readonly serviceId: string;
  /** The service's name, when the engine says (it does for create, update and remove). */
  readonly serviceName?: string;
  /** Unix time in nanoseconds. */
  readonly timeNano: number;
}

export interface ServiceEventHandlers {
  readonly onEvent: (event: ServiceEvent) => void;
  /** The stream is (re)connected: events missed while it was down must be made up for. */
  readonly onConnected: () => void;
  readonly onDisconnected: (reason: string) => void;
}

/**
 * Follows the engine's service events for as long as it runs, reconnecting after any error with
 * `since` set to the last event seen, so that a reconnect loses nothing the engine still has.
 * Returns a function that stops it.
 */
export function followServiceEvents(docker: Docker, handlers: ServiceEventHandlers, retryMs = 1000): () => void {
  let stopped = false;
  // A function, not the variable: the loop reads what the returned stop function writes.
  const isStopped = (): boolean => stopped;
  let current: Readable | undefined;
  let lastSeen: number | undefined;
  const connect = async (): Promise<void> => {
    while (!isStopped()) {
      try {
        // Seconds as a float: a duplicate at the boundary is harmless, reconciles are idempotent.
        const since = lastSeen === undefined ? undefined : lastSeen / 1e9;
        const filters = JSON.stringify({ type: ['service'] });
        const stream = (await docker.getEvents({ filters, ...(since === undefined ? {} : { since }) })) as unknown as Readable;
        current = stream;
        handlers.onConnected();
        await consume(stream, (event) => {
          lastSeen = Math.max(lastSeen ?? 0, event.timeNano);
          handlers.onEvent(event);
        });
        if (!isStopped()) handlers.onDisconnected('the event stream ended');
      } catch (error) {
        if (!isStopped()) handlers.onDisconnected(describeError(error));
      }
      if (!isStopped()) await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void connect();
  return () => {
    stopped = true;
    current?.destroy();
  };
}

async function consume(stream: Readable, onEvent: (event: ServiceEvent) => void): Promise<void> {
  const lines = createInterface({ input: stream });
  stream.on('error', () => lines.close());
  for await (const line of lines) {
    const event = parseEvent(line);
    if (event !== undefined) onEvent(event);
  }
}

function parseEvent(line: string): ServiceEvent | undefined {
  try {
    const raw = JSON.parse(line) as {
      Type?: string;
      Action?: string;
      Actor?: { ID?: string; Attributes?: Record<string, string> };
      timeNano?: number;
    };
    if (raw.Type !== 'service' || raw.Actor?.ID === undefined) return undefined;
    const name = raw.Actor.Attributes?.['name'];
    return {
      action: raw.Action ?? '',
      serviceId: raw.Actor.ID,
      ...(name === undefined ? {} : { serviceName: name }),
      timeNano: raw.timeNano ?? 0,
    };
  } catch {
    return undefined;
  }
}
