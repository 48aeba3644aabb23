import type { StatusLookup } from './dependency-readiness.js';
import type { NetworkNames } from './network-names.js';
import type { RolloutMemory } from './rollout-memory.js';
import type { SwarmPort } from './swarm-port.js';
import type { WriteGuard } from './write-guard.js';
import type { JobMemoryStore } from './job-memory.js';

/** Settings that hold for every reconcile. */
export interface ReconcileSettings {
  readonly prune: boolean;
  readonly allowEmpty: boolean;
  /** The Swarm name of the service Kargo runs as, when known (see findSelfService). */
  readonly selfService?: string;
}

/** What every reconcile works with: the engine, what this process remembers of it, the settings. */
export interface ReconcileContext {
  readonly swarm: SwarmPort;
  readonly networks: NetworkNames;
  readonly settings: ReconcileSettings;
  readonly rollouts: RolloutMemory;
  readonly writes: WriteGuard;
  /** Network removals the engine refused: more tries than writes, since tasks take seconds to leave. */
  readonly removals: WriteGuard;
  /** Other objects' statuses, for what waits on them (spec.dependsOn). */
  readonly statusOf: StatusLookup;
  /** What this process remembers of GeoJobs (slots skipped, requests to run now, last results). */
  readonly jobs: JobMemoryStore;
  /** The time schedules are read at. */
  readonly clock: () => Date;
}
