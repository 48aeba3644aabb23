/**
 * What this process last wrote to each key's object, so that a write the engine does not keep
 * is not sent again and again. A reconcile that finds nothing to write clears the key: the last
 * write stuck. The same write (same desired spec, same differences) planned again before that did
 * not stick: after `maxRepeats` of them the key is held, and one more attempt may go out only
 * after a delay that doubles each time (a competing writer may have stopped meanwhile).
 */
export class WriteGuard {
  private readonly last = new Map<string, { readonly signature: string; readonly count: number; readonly backoffMs: number; readonly retryAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxRepeats = 2,
    private readonly firstBackoffMs = 30_000,
    private readonly maxBackoffMs = 15 * 60_000,
  ) {}

  /** Undefined when the write with this signature may go out; else how long it is held. */
  heldFor(key: string, signature: string): number | undefined {
    const last = this.last.get(key);
    if (last === undefined || last.signature !== signature || last.count < this.maxRepeats) return undefined;
    const remaining = last.retryAt - this.now();
    return remaining > 0 ? remaining : undefined;
  }

  /** A write with this signature is being sent. */
  recordSent(key: string, signature: string): void {
    const last = this.last.get(key);
    const same = last?.signature === signature;
    const count = same ? last.count + 1 : 1;
    const backoffMs = same && count > this.maxRepeats ? Math.min(last.backoffMs * 2, this.maxBackoffMs) : this.firstBackoffMs;
    this.last.set(key, { signature, count, backoffMs, retryAt: this.now() + backoffMs });
  }

  /** Nothing was left to write: whatever was sent stuck. */
  recordSettled(key: string): void {
    this.last.delete(key);
  }
}
