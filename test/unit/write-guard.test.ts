import { describe, expect, it } from 'vitest';
import { WriteGuard } from '../../src/reconcile/write-guard.js';

describe('WriteGuard', () => {
  it('lets the same write go out twice, then calls it stuck', () => {
    const guard = new WriteGuard();
    expect(guard.isStuck('geo/a', 'h1|Env')).toBe(false);
    guard.recordSent('geo/a', 'h1|Env');
    expect(guard.isStuck('geo/a', 'h1|Env')).toBe(false);
    guard.recordSent('geo/a', 'h1|Env');
    expect(guard.isStuck('geo/a', 'h1|Env')).toBe(true);
    expect(guard.isStuck('geo/b', 'h1|Env')).toBe(false);
  });

  it('forgets once a reconcile finds nothing to write, and counts another write afresh', () => {
    const guard = new WriteGuard();
    guard.recordSent('geo/a', 'h1|Env');
    guard.recordSent('geo/a', 'h1|Env');
    guard.recordSettled('geo/a');
    expect(guard.isStuck('geo/a', 'h1|Env')).toBe(false);
    guard.recordSent('geo/a', 'h1|Env');
    guard.recordSent('geo/a', 'h2|Env');
    guard.recordSent('geo/a', 'h1|Env');
    expect(guard.isStuck('geo/a', 'h1|Env')).toBe(false);
  });
});
