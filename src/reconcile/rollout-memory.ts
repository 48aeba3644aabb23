/**
 * What this process applied and what Swarm rolled back, per key. Swarm's rollback puts the old
 * spec back and clears PreviousSpec, so the failed spec can only be known by remembering what was
 * sent: with this, a spec Swarm rolled back is not sent again until the manifest changes. A
 * restart starts empty; the io.kargo.rolled-back label the reconciler writes on the service
 * brings the failure back (see recall).
 */
export class RolloutMemory {
  private readonly applied = new Map<string, string>();
  private readonly failed = new Map<string, string>();
  private readonly reasons = new Map<string, string>();

  /**
   * An update carrying spec hash `hash` was sent for `key`. A failure of another spec is then
   * history: once the manifest has moved on, going back to that spec is a new attempt.
   */
  recordApplied(key: string, hash: string): void {
    this.applied.set(key, hash);
    if (this.failed.get(key) !== hash) {
      this.failed.delete(key);
      this.reasons.delete(key);
    }
  }

  /** The spec hash last sent for `key`. */
  appliedHash(key: string): string | undefined {
    return this.applied.get(key);
  }

  recordFailed(key: string, hash: string): void {
    this.failed.set(key, hash);
  }

  /**
   * A failure the engine remembers (the service's io.kargo.rolled-back label), taken only while
   * this process has sent nothing for `key`: what it sent since is newer than the label.
   */
  recall(key: string, hash: string | undefined): void {
    if (hash !== undefined && !this.applied.has(key) && !this.failed.has(key)) this.failed.set(key, hash);
  }

  /** Whether Swarm rolled back spec `hash` of `key`. */
  hasFailed(key: string, hash: string | undefined): boolean {
    return hash !== undefined && this.failed.get(key) === hash;
  }

  /** Swarm's own words when it started rolling back (its later messages only say "rollback completed"). */
  recordRollbackReason(key: string, message: string): void {
    this.reasons.set(key, message);
  }

  rollbackReason(key: string): string | undefined {
    return this.reasons.get(key);
  }

  forget(key: string): void {
    this.applied.delete(key);
    this.failed.delete(key);
    this.reasons.delete(key);
  }
}
