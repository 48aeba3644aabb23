import { idleThrottle, throttleFinished, throttleNext, throttleRequested, type ThrottleStep } from '../core/refresh-throttle.js';

export interface RefreshLimiterOptions {
  /** Shortest time between the starts of two fetches. */
  readonly minIntervalMs: number;
  /** A fetch failed: nobody waits for it, so this is the only place that hears of it. */
  readonly onError: (error: unknown) => void;
}

/**
 * Runs `refresh` on request, throttled by src/core/refresh-throttle.ts: `request()` returns at
 * once (the HTTP answer does not wait for git), and a flood of requests becomes at most one
 * fetch per interval. This class only holds the state, the clock and the one timer.
 */
export class RefreshLimiter {
  private state = idleThrottle;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly refresh: () => Promise<void>,
    private readonly options: RefreshLimiterOptions,
  ) {}

  /** Asks for a fetch; it starts now, after the interval, or joins the one already owed. */
  request(): void {
    if (!this.stopped) this.apply(throttleRequested(this.state, Date.now(), this.options.minIntervalMs));
  }

  /** No fetch starts after this; resolves when the running one, if any, has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private apply(step: ThrottleStep): void {
    this.state = step.state;
    // The state alone says when to wake up, so the timer is simply set again from it.
    clearTimeout(this.timer);
    this.timer = undefined;
    const action = step.action;
    if (action.kind === 'wait') {
      this.timer = setTimeout(() => this.apply(throttleNext(this.state, Date.now(), this.options.minIntervalMs)), action.ms);
      this.timer.unref();
    } else if (action.kind === 'start') {
      this.running = this.refresh()
        .catch(this.options.onError)
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.apply(throttleFinished(this.state, Date.now(), this.options.minIntervalMs));
        });
    }
  }
}
