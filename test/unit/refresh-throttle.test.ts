import { describe, expect, it } from 'vitest';
import { idleThrottle, throttleFinished, throttleNext, throttleRequested, type ThrottleState } from '../../src/core/refresh-throttle.js';

const interval = 5_000;

describe('the refresh throttle', () => {
  it('starts a fetch at once when idle', () => {
    const step = throttleRequested(idleThrottle, 1_000, interval);
    expect(step.action).toEqual({ kind: 'start' });
    expect(step.state).toEqual({ running: true, owed: false, lastStartMs: 1_000 });
  });

  it('owes one fetch for requests that come while one runs, and starts it when that one ends past the interval', () => {
    let state = throttleRequested(idleThrottle, 0, interval).state;
    for (const at of [10, 20, 30]) {
      const step = throttleRequested(state, at, interval);
      expect(step.action).toEqual({ kind: 'none' });
      state = step.state;
    }
    expect(state.owed).toBe(true);
    const finished = throttleFinished(state, 6_000, interval);
    expect(finished.action).toEqual({ kind: 'start' });
    expect(finished.state).toEqual({ running: true, owed: false, lastStartMs: 6_000 });
  });

  it('waits for the rest of the interval when the fetch ends early', () => {
    const running = throttleRequested(throttleRequested(idleThrottle, 0, interval).state, 100, interval).state;
    const finished = throttleFinished(running, 1_200, interval);
    expect(finished.action).toEqual({ kind: 'wait', ms: 3_800 });
    expect(throttleNext(finished.state, 4_999, interval).action).toEqual({ kind: 'wait', ms: 1 });
    expect(throttleNext(finished.state, 5_000, interval).action).toEqual({ kind: 'start' });
  });

  it('does nothing after a fetch when no request came meanwhile', () => {
    const finished = throttleFinished(throttleRequested(idleThrottle, 0, interval).state, 300, interval);
    expect(finished.action).toEqual({ kind: 'none' });
    expect(finished.state).toEqual({ running: false, owed: false, lastStartMs: 0 });
  });

  it('turns a flood into one fetch per interval, never two at once', () => {
    // 1,000 requests, one every 10 ms for 10 s; each fetch takes 700 ms.
    let state: ThrottleState = idleThrottle;
    let wakeAt: number | undefined;
    let endsAt: number | undefined;
    const starts: number[] = [];
    const act = (now: number, step: ReturnType<typeof throttleNext>): void => {
      state = step.state;
      wakeAt = step.action.kind === 'wait' ? now + step.action.ms : undefined;
      if (step.action.kind === 'start') {
        expect(endsAt).toBeUndefined();
        starts.push(now);
        endsAt = now + 700;
      }
    };
    for (let now = 0; now <= 20_000; now += 1) {
      if (endsAt === now) {
        endsAt = undefined;
        act(now, throttleFinished(state, now, interval));
      }
      if (wakeAt === now) act(now, throttleNext(state, now, interval));
      if (now < 10_000 && now % 10 === 0) act(now, throttleRequested(state, now, interval));
    }
    // At 0, 5 s and 10 s (the last request, at 9.99 s, is owed a fetch after it).
    expect(starts).toEqual([0, 5_000, 10_000]);
  });
});
