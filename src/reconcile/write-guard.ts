/**
 * What this process last wrote to each key's object, so that a write the engine does not keep
 * is not sent again and again. A reconcile that finds nothing to write clears the key: the last
 * write stuck. The same write (same desired spec, same differences) planned again before that
 * did not stick; after `maxRepeats` of them the key is Stalled instead of written.
 */
export class WriteGuard {
  private readonly last = new Map<string, { readonly signature: string; readonly count: number }>();

  constructor(private readonly maxRepeats = 2) {}

  /** Whether the write with this signature already went out `maxRepeats` times without sticking. */
  isStuck(key: string, signature: string): boolean {
    const last = this.last.get(key);
    return last !== undefined && last.signature === signature && last.count >= this.maxRepeats;
  }

  /** A write with this signature is being sent. */
  recordSent(key: string, signature: string): void {
    const last = this.last.get(key);
    this.last.set(key, { signature, count: last?.signature === signature ? last.count + 1 : 1 });
  }

  /** Nothing was left to write: whatever was sent stuck. */
  recordSettled(key: string): void {
    this.last.delete(key);
  }
}
