import { describe, expect, it } from 'vitest';
import { decideSlot, isScheduleError, latestSlot, nextSlot, parseSchedule, type CronSchedule } from '../../src/core/schedule/cron-schedule.js';

const schedule = (expression: string, timeZone?: string): CronSchedule => {
  const parsed = parseSchedule(expression, timeZone);
  if (isScheduleError(parsed)) throw new Error(parsed.message);
  return parsed;
};
const at = (iso: string): Date => new Date(iso);
const iso = (date: Date | undefined): string | undefined => date?.toISOString();

describe('parseSchedule', () => {
  it.each([
    ['*/5 * * * *', undefined],
    ['*/5 * * * * *', undefined],
    ['0 30 2 * * 1-5', undefined],
    ['* * * *', 'schedule'],
    ['* * * * * * *', 'schedule'],
    ['61 * * * *', 'schedule'],
    ['@daily', 'schedule'],
  ])('%s → error in %s', (expression, field) => {
    const parsed = parseSchedule(expression);
    expect(isScheduleError(parsed) ? parsed.field : undefined).toBe(field);
  });

  it('refuses a time zone that is not an IANA name', () => {
    expect(parseSchedule('* * * * *', 'Mars/Olympus')).toMatchObject({ field: 'timeZone' });
    expect(parseSchedule('* * * * *', 'Europe/Paris')).toEqual({ expression: '* * * * *', timeZone: 'Europe/Paris' });
  });
});

describe('slots', () => {
  it.each([
    // expression, time zone, after, next slot
    ['*/5 * * * * *', 'UTC', '2026-01-01T00:00:02.500Z', '2026-01-01T00:00:05.000Z'],
    ['*/5 * * * * *', 'UTC', '2026-01-01T00:00:05.000Z', '2026-01-01T00:00:10.000Z'],
    ['*/15 * * * *', 'UTC', '2026-01-01T00:07:00.000Z', '2026-01-01T00:15:00.000Z'],
    ['0 2 * * *', 'Europe/Paris', '2026-01-10T12:00:00.000Z', '2026-01-11T01:00:00.000Z'],
    ['0 2 * * *', 'Europe/Paris', '2026-07-10T12:00:00.000Z', '2026-07-11T00:00:00.000Z'],
    // 02:00 does not exist in Paris on 29 March 2026 (clocks jump to 03:00): the run is at 03:00.
    ['0 2 * * *', 'Europe/Paris', '2026-03-28T12:00:00.000Z', '2026-03-29T01:00:00.000Z'],
  ])('%s in %s after %s is %s', (expression, timeZone, after, next) => {
    expect(iso(nextSlot(schedule(expression, timeZone), at(after)))).toBe(next);
  });

  it('counts a slot at exactly `at` as the latest, and none at or before `after`', () => {
    const every5 = schedule('*/5 * * * * *');
    expect(iso(latestSlot(every5, at('2026-01-01T00:00:10Z'), at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T00:00:10.000Z');
    expect(latestSlot(every5, at('2026-01-01T00:00:12Z'), at('2026-01-01T00:00:10Z'))).toBeUndefined();
  });
});

describe('decideSlot', () => {
  const every5 = schedule('*/5 * * * * *');
  it.each([
    // now, since (last handled), startingDeadline ms, due, missed
    ['2026-01-01T00:00:04Z', '2026-01-01T00:00:00Z', undefined, undefined, undefined],
    ['2026-01-01T00:00:05Z', '2026-01-01T00:00:00Z', undefined, '2026-01-01T00:00:05.000Z', undefined],
    ['2026-01-01T00:00:05.900Z', '2026-01-01T00:00:00Z', undefined, '2026-01-01T00:00:05.000Z', undefined],
    // Already handled: nothing due until the next slot.
    ['2026-01-01T00:00:07Z', '2026-01-01T00:00:05Z', undefined, undefined, undefined],
    // Down for a minute: only the latest missed slot runs, once.
    ['2026-01-01T00:01:01Z', '2026-01-01T00:00:05Z', undefined, '2026-01-01T00:01:00.000Z', undefined],
    ['2026-01-01T00:01:01Z', '2026-01-01T00:00:05Z', 2000, '2026-01-01T00:01:00.000Z', undefined],
    // Later than the starting deadline: missed, not run.
    ['2026-01-01T00:01:04Z', '2026-01-01T00:00:05Z', 2000, undefined, '2026-01-01T00:01:00.000Z'],
  ])('at %s since %s (deadline %s ms): due %s, missed %s', (now, since, deadline, due, missed) => {
    const decision = decideSlot(every5, at(now), at(since), deadline);
    expect([iso(decision.due), iso(decision.missed)]).toEqual([due, missed]);
    expect(decision.next?.getTime()).toBeGreaterThan(at(now).getTime());
  });

  it('reads a 5-field schedule in its time zone', () => {
    const daily = schedule('30 6 * * *', 'America/New_York');
    const decision = decideSlot(daily, at('2026-06-01T10:31:00Z'), at('2026-05-31T12:00:00Z'));
    expect(iso(decision.due)).toBe('2026-06-01T10:30:00.000Z');
    expect(iso(decision.next)).toBe('2026-06-02T10:30:00.000Z');
  });
});
