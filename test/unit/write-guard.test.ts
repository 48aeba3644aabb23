import { describe, expect, it } from 'vitest';
import { WriteGuard } from '../../src/reconcile/write-guard.js';

function guardAt(start = 0): { guard: WriteGuard; advance: (ms: number) => void } {
  let now = start;
  return { guard: new WriteGuard(() => now, 2, 1000, 4000), advance: (ms) => (now += ms) };
}

describe('WriteGuard', () => {
  it('lets the same write go out twice, then holds it for a backoff that doubles up to its cap', () => {
    const { guard, advance } = guardAt();
    expect(guard.heldFor('geo/a', 'h1|Env')).toBeUndefined();
    guard.recordSent('geo/a', 'h1|Env');
    expect(guard.heldFor('geo/a', 'h1|Env')).toBeUndefined();
    guard.recordSent('geo/a', 'h1|Env');
    expect(guard.heldFor('geo/a', 'h1|Env')).toBe(1000);
    expect(guard.heldFor('geo/b', 'h1|Env')).toBeUndefined();
    advance(1000);
    expect(guard.heldFor('geo/a', 'h1|Env')).toBeUndefined();
    guard.recordSent('geo/a', 'h1|Env');
    expect(guard.heldFor('geo/a', 'h1|Env')).toBe(2000);
    advance(2000);
    guard.recordSent('geo/a', 'h1|Env');
    advance(4000);
    guard.recordSent('geo/a', 'h1|Env');
    expect(guard.heldFor('geo/a', 'h1|Env')).toBe(4000);
  });

  it('forgets once a reconcile finds nothing to write, and counts another write afresh', () => {
    const { guard } = guardAt();
    guard.recordSent('geo/a', 'h1|Env');
    guard.recordSent('geo/a', 'h1|Env');
    guard.recordSettled('geo/a');
    expect(guard.heldFor('geo/a', 'h1|Env')).toBeUndefined();
    guard.recordSent('geo/a', 'h1|Env');
    guard.recordSent('geo/a', 'h2|Env');
    guard.recordSent('geo/a', 'h1|Env');
    expect(guard.heldFor('geo/a', 'h1|Env')).toBeUndefined();
  });
});
