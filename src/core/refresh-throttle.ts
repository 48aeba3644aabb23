/**
 * When to fetch the source, given the requests (webhooks, refresh calls, the git interval).
 * Requests are answered at once and never queue up: at most one fetch runs, at most one more is
 * owed, and two fetches start at least `minIntervalMs` apart. So a flood of webhooks costs one
 * fetch now and one after the interval (it may have been sent for a push the running fetch
 * missed), however many requests it holds. Pure: the caller keeps the state, the clock and timers.
 */

export interface ThrottleState {
  /** A fetch is running. */
  readonly running: boolean;
  /** A request came that no started fetch answers yet. */
  readonly owed: boolean;
  /** When the last fetch started (ms), if one did. */
  readonly lastStartMs: number | undefined;
}

/** What the caller does next: start a fetch, call `next` again in `ms`, or nothing. */
export type ThrottleAction = { readonly kind: 'start' } | { readonly kind: 'wait'; readonly ms: number } | { readonly kind: 'none' };

export interface ThrottleStep {
  readonly state: ThrottleState;
  readonly action: ThrottleAction;
}

export const idleThrottle: ThrottleState = { running: false, owed: false, lastStartMs: undefined };

/** A request arrived at `nowMs`. */
export function throttleRequested(state: ThrottleState, nowMs: number, minIntervalMs: number): ThrottleStep {
  return throttleNext({ ...state, owed: true }, nowMs, minIntervalMs);
}

/** The running fetch ended (well or not) at `nowMs`. */
export function throttleFinished(state: ThrottleState, nowMs: number, minIntervalMs: number): ThrottleStep {
  return throttleNext({ ...state, running: false }, nowMs, minIntervalMs);
}

/** The decision for `state` at `nowMs`; also what a caller's timer calls when it fires. */
export function throttleNext(state: ThrottleState, nowMs: number, minIntervalMs: number): ThrottleStep {
  // A running fetch decides again when it ends: starting another beside it would race it.
  if (state.running || !state.owed) return { state, action: { kind: 'none' } };
  const wait = state.lastStartMs === undefined ? 0 : state.lastStartMs + minIntervalMs - nowMs;
  if (wait > 0) return { state, action: { kind: 'wait', ms: wait } };
  return { state: { running: true, owed: false, lastStartMs: nowMs }, action: { kind: 'start' } };
}
