import { describe, expect, it } from 'vitest';
import { planJob, type JobMemory } from '../../src/core/diff/plan-jobs.js';
import type { DesiredJob } from '../../src/core/render/render-job-spec.js';
import type { RunPhase, RunState } from '../../src/core/jobs/run-state.js';
import type { RunSlot } from '../../src/core/jobs/run-slot.js';
import { runStateOf } from '../../src/core/jobs/run-state.js';
import { isScheduleError, parseSchedule } from '../../src/core/schedule/cron-schedule.js';

const t = (seconds: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, 0) + seconds * 1000);
const parsed = parseSchedule('*/5 * * * * *');
if (isScheduleError(parsed)) throw new Error(parsed.message);
const every5 = parsed;

/** A job every 5 s; `schedule: undefined` makes it a job without schedule. */
function desired(over: { [K in keyof DesiredJob]?: DesiredJob[K] | undefined } = {}): DesiredJob {
  const merged = { key: 'GeoJob/geo/j', namespace: 'geo', name: 'j', template: { Labels: {} }, specHash: 'h1'.padEnd(64, '0'), files: [], schedule: every5, concurrencyPolicy: 'Forbid', history: { succeeded: 3, failed: 1 }, suspended: false, ...over };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as unknown as DesiredJob;
}

let ids = 0;
function run(slot: RunSlot, phase: RunPhase, createdAt: Date): RunState {
  ids += 1;
  return { serviceId: `id${String(ids)}`, name: `run${String(ids)}`, slot, specHash: 'h1', createdAt, phase };
}
const scheduled = (seconds: number, phase: RunPhase = 'succeeded'): RunState => run({ kind: 'scheduled', at: t(seconds) }, phase, t(seconds));
const memory = (firstSeen = 0, handled?: number): JobMemory => ({ firstSeen: t(firstSeen), ...(handled === undefined ? {} : { handled: t(handled) }) });

describe('planJob: the schedule', () => {
  it('starts nothing before the first slot after it first saw the job, then the slot that is due', () => {
    expect(planJob({ job: desired(), runs: [], now: t(3), memory: memory(2) }).start).toBeUndefined();
    const plan = planJob({ job: desired(), runs: [], now: t(5.2), memory: memory(2) });
    expect(plan.start?.slot).toEqual({ kind: 'scheduled', at: t(5) });
    expect(plan.start?.spec.Name).toBe('geo_j-s20260101000005');
    expect(plan.memory.handled).toEqual(t(5));
    expect(plan.next).toEqual(t(10));
  });

  it('never runs a slot twice: the engine\'s newest run says where the schedule stands, also after a restart', () => {
    const runs = [scheduled(5, 'active')];
    expect(planJob({ job: desired({ concurrencyPolicy: 'Allow' }), runs, now: t(7), memory: memory(7) }).start).toBeUndefined();
  });

  it('runs the latest slot missed while Kargo was down, once, within the starting deadline', () => {
    const runs = [scheduled(5)];
    const plan = planJob({ job: desired({ startingDeadlineMs: 3000 }), runs, now: t(61), memory: memory(61) });
    expect(plan.start?.slot).toEqual({ kind: 'scheduled', at: t(60) });
    const late = planJob({ job: desired({ startingDeadlineMs: 3000 }), runs, now: t(64), memory: memory(64) });
    expect(late.start).toBeUndefined();
    expect(late.skipped).toEqual({ at: t(60), reason: 'Missed' });
    expect(late.memory.handled).toEqual(t(60));
  });

  it('bounds lateness by the activeDeadline too (a run removed at its deadline leaves no record of its slot)', () => {
    const plan = planJob({ job: desired({ activeDeadlineMs: 2000 }), runs: [scheduled(5)], now: t(63), memory: memory(63) });
    expect(plan.skipped?.reason).toBe('Missed');
  });

  it('starts nothing and removes nothing while suspended, and drops a request to run now', () => {
    const plan = planJob({ job: desired({ suspended: true, activeDeadlineMs: 1 }), runs: [scheduled(0, 'active')], now: t(30), memory: memory(), requested: t(29) });
    expect([plan.start, plan.removals, plan.requestServed]).toEqual([undefined, [], true]);
  });
});

describe('planJob: concurrency', () => {
  const active = scheduled(0, 'active');
  it.each([
    ['Forbid', undefined, [], { at: t(5), reason: 'ActiveRun' }],
    ['Allow', { kind: 'scheduled', at: t(5) }, [], undefined],
    ['Replace', { kind: 'scheduled', at: t(5) }, ['replaced'], undefined],
  ] as const)('%s with a run active at the next slot: start %j, remove %j, skip %j', (policy, start, removals, skipped) => {
    const plan = planJob({ job: desired({ concurrencyPolicy: policy }), runs: [active], now: t(5.1), memory: memory() });
    expect(plan.start?.slot).toEqual(start);
    expect(plan.removals.map((removal) => removal.reason)).toEqual(removals);
    expect(plan.skipped).toEqual(skipped);
    expect(plan.memory.handled).toEqual(t(5));
  });

  it('removes a run past its activeDeadline, which then no longer blocks the slot under Forbid', () => {
    const plan = planJob({ job: desired({ activeDeadlineMs: 4000 }), runs: [active], now: t(5.1), memory: memory() });
    expect(plan.removals.map((removal) => [removal.run.name, removal.reason])).toEqual([[active.name, 'deadline']]);
    expect(plan.start?.slot).toEqual({ kind: 'scheduled', at: t(5) });
  });

  it('serves a request to run now as its own slot; under Forbid it waits for the active run', () => {
    const idle = planJob({ job: desired(), runs: [scheduled(0)], now: t(2), memory: memory(0, 0), requested: t(1.5) });
    expect(idle.start?.slot).toEqual({ kind: 'manual', at: t(1.5) });
    expect(idle.requestServed).toBe(true);
    const busy = planJob({ job: desired(), runs: [active], now: t(2), memory: memory(0, 0), requested: t(1.5) });
    expect([busy.start, busy.requestServed]).toEqual([undefined, false]);
    expect(busy.waiting).toMatch(/Forbid/);
  });
});

describe('planJob: a job without schedule', () => {
  const once = desired({ schedule: undefined });
  const specSlot = { kind: 'spec', specHash: once.specHash.slice(0, 14) } as const;
  it('runs once per spec: again only when the spec changes', () => {
    expect(planJob({ job: once, runs: [], now: t(0), memory: memory() }).start?.slot).toEqual({ kind: 'spec', specHash: once.specHash });
    const done = [run(specSlot, 'succeeded', t(0))];
    expect(planJob({ job: once, runs: done, now: t(100), memory: memory() }).start).toBeUndefined();
    const changed = desired({ schedule: undefined, specHash: 'h2'.padEnd(64, '0') });
    expect(planJob({ job: changed, runs: done, now: t(100), memory: memory() }).start?.spec.Name).toBe('geo_j-hh2000000000000');
  });

  it('waits for the previous spec\'s run under Forbid, replaces it under Replace', () => {
    const runs = [run(specSlot, 'active', t(0))];
    const changed = (policy: 'Forbid' | 'Replace'): DesiredJob => desired({ schedule: undefined, specHash: 'h2'.padEnd(64, '0'), concurrencyPolicy: policy });
    expect(planJob({ job: changed('Forbid'), runs, now: t(1), memory: memory() }).waiting).toMatch(/waiting for run/);
    expect(planJob({ job: changed('Replace'), runs, now: t(1), memory: memory() }).removals.map((removal) => removal.reason)).toEqual(['replaced']);
  });

  it('keeps the current spec\'s run whatever the history limit', () => {
    const runs = [run(specSlot, 'succeeded', t(0)), run({ kind: 'manual', at: t(10) }, 'succeeded', t(10))];
    const plan = planJob({ job: desired({ schedule: undefined, history: { succeeded: 0, failed: 0 } }), runs, now: t(20), memory: memory() });
    expect(plan.removals).toEqual([]);
  });
});

describe('planJob: a dependency not Ready', () => {
  const waiting = { dependenciesReady: false } as const;
  it('holds the due slot without handling it, and runs it once the dependencies are Ready', () => {
    const plan = planJob({ job: desired(), runs: [], now: t(5.2), memory: memory(2), ...waiting });
    expect([plan.start, plan.held, plan.skipped, plan.memory.handled]).toEqual([undefined, { kind: 'scheduled', at: t(5) }, undefined, undefined]);
    // Ready two slots later: the latest slot runs, once, as for a slot missed while Kargo was down.
    const ready = planJob({ job: desired(), runs: [], now: t(12), memory: plan.memory });
    expect(ready.start?.slot).toEqual({ kind: 'scheduled', at: t(10) });
  });

  it('holds the spec\'s run of a job without schedule, and a requested run, keeping the request', () => {
    const once = planJob({ job: desired({ schedule: undefined }), runs: [], now: t(0), memory: memory(), ...waiting });
    expect([once.start, once.held?.kind, once.memory.startedSpec]).toEqual([undefined, 'spec', undefined]);
    const asked = planJob({ job: desired(), runs: [scheduled(0)], now: t(2), memory: memory(0, 0), requested: t(1.5), ...waiting });
    expect([asked.start, asked.held, asked.requestServed]).toEqual([undefined, { kind: 'manual', at: t(1.5) }, false]);
  });

  it('still removes a run past its deadline, but replaces no active run it cannot follow with a new one', () => {
    const active = scheduled(0, 'active');
    const overdue = planJob({ job: desired({ activeDeadlineMs: 4000 }), runs: [active], now: t(5.1), memory: memory(), ...waiting });
    expect([overdue.removals.map((removal) => removal.reason), overdue.start, overdue.held?.kind]).toEqual([['deadline'], undefined, 'scheduled']);
    const replace = planJob({ job: desired({ concurrencyPolicy: 'Replace' }), runs: [active], now: t(5.1), memory: memory(), ...waiting });
    expect([replace.removals, replace.start, replace.held?.kind]).toEqual([[], undefined, 'scheduled']);
  });

  it('lets Forbid skip a slot while a run is active, as when the dependencies are Ready', () => {
    const plan = planJob({ job: desired(), runs: [scheduled(0, 'active')], now: t(5.1), memory: memory(), ...waiting });
    expect([plan.held, plan.skipped, plan.memory.handled]).toEqual([undefined, { at: t(5), reason: 'ActiveRun' }, t(5)]);
  });
});

describe('planJob: history', () => {
  it('keeps the newest succeeded and failed runs up to their limits, and always the newest run', () => {
    const runs = [scheduled(0), scheduled(5, 'failed'), scheduled(10), scheduled(15, 'failed'), scheduled(20), scheduled(25, 'active')];
    const plan = planJob({ job: desired({ history: { succeeded: 1, failed: 1 } }), runs, now: t(26), memory: memory(0, 25) });
    expect(plan.removals.map((removal) => [removal.run.slot.kind === 'scheduled' ? removal.run.slot.at.getTime() : 0, removal.reason])).toEqual([
      [t(10).getTime(), 'history'],
      [t(0).getTime(), 'history'],
      [t(5).getTime(), 'history'],
    ]);
    const none = planJob({ job: desired({ history: { succeeded: 0, failed: 0 } }), runs: [scheduled(20)], now: t(21), memory: memory(0, 20) });
    expect(none.removals).toEqual([]);
  });
});

describe('runStateOf', () => {
  const service = { ID: 's1', Version: { Index: 1 }, CreatedAt: '2026-01-01T00:00:05.2Z', Spec: { Name: 'geo_j-s1', Labels: { 'io.kargo.run-slot': '2026-01-01T00:00:05.000Z', 'io.kargo.spec-hash': 'h' } } };
  const task = (state: 'running' | 'complete' | 'failed', at: string, exit?: number) => ({ ID: at, ServiceID: 's1', NodeID: 'n1', Status: { State: state, Timestamp: at, ...(state === 'failed' ? { Err: `task: non-zero exit (${String(exit)})` } : {}), ContainerStatus: { ...(exit === undefined ? {} : { ExitCode: exit }) } } });
  it.each([
    [[], 1, 'active', undefined],
    [[task('running', '2026-01-01T00:00:06Z')], 1, 'active', undefined],
    [[task('complete', '2026-01-01T00:00:07Z', 0)], 1, 'succeeded', 0],
    [[task('complete', '2026-01-01T00:00:07Z', 0)], 2, 'active', undefined],
    [[task('complete', '2026-01-01T00:00:07Z', 0), task('failed', '2026-01-01T00:00:08Z', 3)], 2, 'failed', 3],
  ] as const)('%j with %d completions: %s, exit %s', (tasks, completions, phase, exitCode) => {
    const state = runStateOf(service, tasks, completions);
    expect(state?.phase).toBe(phase);
    expect(state?.exitCode).toBe(exitCode);
  });

  it('says what failed, where and when', () => {
    const state = runStateOf(service, [task('failed', '2026-01-01T00:00:08.5Z', 3)], 1);
    expect(state).toMatchObject({ error: 'task: non-zero exit (3)', nodeId: 'n1', finishedAt: new Date('2026-01-01T00:00:08.5Z'), createdAt: new Date('2026-01-01T00:00:05.2Z') });
  });
});
