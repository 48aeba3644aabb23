/** What the queue reports, for metrics; every hook is optional. */
export interface WorkQueueObserver {
  added?(key: string): void;
  depthChanged?(depth: number): void;
  retried?(key: string): void;
  /** A key left the queue for a worker after waiting `seconds`. */
  started?(key: string, waitedSeconds: number): void;
  /** A worker finished a key after `seconds`. */
  finished?(key: string, workedSeconds: number): void;
}

/**
 * A work queue of keys in the manner of client-go's: a key added several times before a worker
 * takes it is processed once; a key being processed is never handed to a second worker (added
 * again meanwhile, it is queued once more when the first worker is done); delayed adds wait in
 * timers. Keys are opaque strings.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys added while being processed: they go back in the queue when done. */
  private readonly dirty = new Set<string>();
  private readonly enqueuedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(
    private readonly observer: WorkQueueObserver = {},
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Queues `key` now (once, however often it is added). */
  add(key: string): void {
    if (this.shuttingDown) return;
    this.observer.added?.(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.enqueuedAt.set(key, this.now());
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.take(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
    this.observer.depthChanged?.(this.queue.length);
  }

  /** Queues `key` after `delayMs`; an earlier delayed add of the same key is replaced. */
  addAfter(key: string, delayMs: number, retry = false): void {
    if (this.shuttingDown) return;
    if (retry) this.observer.retried?.(key);
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    clearTimeout(this.delayed.get(key));
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, timer);
  }

  /** Drops a pending delayed add of `key` (its input changed, or it succeeded). */
  cancelDelayed(key: string): void {
    clearTimeout(this.delayed.get(key));
    this.delayed.delete(key);
  }

  /** Waits for the next key; undefined once the queue is shut down. */
  async get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.observer.depthChanged?.(this.queue.length);
      this.take(key);
      return key;
    }
    if (this.shuttingDown) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A worker is done with `key`; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    const started = this.startedAt.get(key);
    if (started !== undefined) this.observer.finished?.(key, (this.now() - started) / 1000);
    this.startedAt.delete(key);
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Keys waiting (not the ones being processed nor the delayed ones). */
  get depth(): number {
    return this.queue.length;
  }

  /** Keys being processed by a worker right now. */
  get inFlight(): number {
    return this.processing.size;
  }

  /** Whether a worker is processing `key` right now. */
  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  /** Seconds the longest-running key has been processed so far (0 when none). */
  longestRunningSeconds(): number {
    const now = this.now();
    let longest = 0;
    for (const started of this.startedAt.values()) longest = Math.max(longest, (now - started) / 1000);
    return longest;
  }

  /** Stops handing out keys: waiting workers get undefined; delayed adds are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private take(key: string): void {
    this.queued.delete(key);
    this.processing.add(key);
    const enqueued = this.enqueuedAt.get(key) ?? this.now();
    this.enqueuedAt.delete(key);
    const now = this.now();
    this.startedAt.set(key, now);
    this.observer.started?.(key, (now - enqueued) / 1000);
  }
}
