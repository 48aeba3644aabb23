/** Flux's vocabulary for what happens to one service. */
export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted';

/** One field that differs: `from` is the live value, `to` the desired one; absent means not set. */
export interface FieldChange {
  readonly path: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

/** What differs between one GeoService and its Swarm service. */
export interface ChangeSetEntry {
  /** Swarm service name. */
  readonly name: string;
  readonly action: ChangeAction;
  /** Field changes in path order; empty when unchanged. */
  readonly changes: readonly FieldChange[];
  /** Why the service must be removed and created again (Swarm cannot apply these in place); empty when it need not. */
  readonly recreateReasons: readonly string[];
}
