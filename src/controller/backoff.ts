/** Per-key exponential backoff: base · 2^(failures-1), capped; forgotten on success. */
export class ExponentialBackoff {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
  ) {}

  /** Records one more failure of `key` and returns how long to wait before its next try. */
  next(key: string): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    return Math.min(this.capMs, this.baseMs * 2 ** Math.min(failures - 1, 30));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}
