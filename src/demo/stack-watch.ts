import { setTimeout as sleep } from 'node:timers/promises';
import type { StatusReader } from '../controller/status-store.js';
import type { Snapshot } from '../core/snapshot.js';
import { stackItemsOf, stackProgress } from '../core/stack/stack-progress.js';
import { isReady } from '../core/status/object-status.js';

const tickMs = 200;
/** How often the demo says what it still waits for, when nothing changes. */
const pendingEveryMs = 15_000;

export interface StackWatch {
  readonly statuses: StatusReader;
  readonly snapshot: () => Snapshot | undefined;
  /** True once Ctrl-C was pressed: the wait ends. */
  readonly stopped: () => boolean;
  readonly say: (line: string) => void;
  /** Quieter lines: what is still awaited. */
  readonly note: (line: string) => void;
  /** `12.3s` since the demo started. */
  readonly elapsed: () => string;
}

/**
 * Waits until the whole stack is up: every GeoService Ready (and Available where Kargo probes it),
 * every GeoJob run once with success. Says when each item is done, when every GeoService is, and
 * every 15 s what is still awaited. False when stopped first.
 */
export async function waitForStack(watch: StackWatch): Promise<boolean> {
  const done = new Set<string>();
  let servicesReady = false;
  let lastPendingLine = Date.now();
  while (!watch.stopped()) {
    const snapshot = watch.snapshot();
    const items = snapshot === undefined ? [] : stackItemsOf(snapshot);
    const progress = stackProgress(items, (key) => watch.statuses.get(key));
    for (const item of progress) {
      if (!item.done || done.has(item.key)) continue;
      done.add(item.key);
      watch.say(`${describeDone(item.key, watch.statuses)} (${watch.elapsed()})`);
    }
    const services = items.filter((item) => item.kind === 'GeoService');
    if (!servicesReady && services.length > 0 && services.every((item) => isReady(watch.statuses.get(item.key) ?? { conditions: [] }))) {
      servicesReady = true;
      watch.say(`every GeoService is Ready (${watch.elapsed()})`);
    }
    if (items.length > 0 && progress.every((item) => item.done)) return true;
    if (Date.now() - lastPendingLine >= pendingEveryMs) {
      lastPendingLine = Date.now();
      for (const item of progress.filter((candidate) => !candidate.done)) watch.note(`waiting for ${item.key}: ${item.waitingFor ?? ''}`);
    }
    await sleep(tickMs);
  }
  return false;
}

function describeDone(key: string, statuses: StatusReader): string {
  const status = statuses.get(key);
  const run = status?.job?.lastSuccessful;
  if (run !== undefined) return `${key}: run ${run.name} succeeded in ${run.durationSeconds.toFixed(1)}s`;
  return `${key} is Ready${status?.conditions.some((condition) => condition.type === 'Available' && condition.status === 'True') === true ? ' and answers its OGC checks' : ''}`;
}

/**
 * Follows the GeoService `key` after the map was saved at spec hash `savedAt`: each time it turns
 * Ready on another spec (its mapfile edited, so its config changed, so Swarm rolled it), calls
 * `changed` with the new hash; a failed `changed` is tried again at the next tick. Returns a stop.
 */
export function watchRollouts(statuses: StatusReader, key: string, savedAt: string | undefined, changed: (specHash: string) => Promise<void>): () => void {
  let current = savedAt;
  let busy = false;
  const timer = setInterval(() => {
    const status = statuses.get(key);
    const hash = status?.specHash;
    if (busy || status === undefined || hash === undefined || hash === current || !isReady(status)) return;
    busy = true;
    changed(hash).then(
      () => {
        current = hash;
        busy = false;
      },
      () => {
        busy = false;
      },
    );
  }, 500);
  return () => clearInterval(timer);
}
