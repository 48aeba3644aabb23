import { CronExpressionParser, type CronExpression } from 'cron-parser';

/**
 * A GeoJob's cron schedule, read by cron-parser (maintained, time zones, optional seconds): 5
 * fields, or 6 with seconds first as krawler's --cron takes them. Pure: every computation takes
 * the time it starts from, never the clock.
 */
export interface CronSchedule {
  readonly expression: string;
  /** IANA time zone the fields are read in. */
  readonly timeZone: string;
}

export const defaultTimeZone = 'UTC';

/** Why a schedule cannot be used, and which field is at fault. */
export interface ScheduleError {
  readonly field: 'schedule' | 'timeZone';
  readonly message: string;
}

/** The schedule, or what is wrong with it (checked when the manifest is read, so reconciles never meet a bad one). */
export function parseSchedule(expression: string, timeZone: string = defaultTimeZone): CronSchedule | ScheduleError {
  if (!isTimeZone(timeZone)) return { field: 'timeZone', message: `"${timeZone}" is not an IANA time zone (e.g. UTC, Europe/Paris)` };
  const fields = expression.trim().split(/\s+/).length;
  // cron-parser also takes 4-field and @-macro forms; the manifest promises cron's 5 fields or 6 with seconds.
  if (fields !== 5 && fields !== 6) {
    return { field: 'schedule', message: `"${expression}" has ${String(fields)} field(s): a schedule has 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)` };
  }
  try {
    CronExpressionParser.parse(expression, { tz: timeZone, currentDate: new Date(0), strict: false }).next();
  } catch (error) {
    return { field: 'schedule', message: `"${expression}" is not a valid cron schedule: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { expression, timeZone };
}

export function isScheduleError(value: CronSchedule | ScheduleError): value is ScheduleError {
  return 'message' in value;
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function expressionFrom(schedule: CronSchedule, from: Date): CronExpression {
  return CronExpressionParser.parse(schedule.expression, { tz: schedule.timeZone, currentDate: from });
}

/** The first slot strictly after `after`; undefined when the schedule has none (e.g. 30 February). */
export function nextSlot(schedule: CronSchedule, after: Date): Date | undefined {
  try {
    return expressionFrom(schedule, after).next().toDate();
  } catch {
    return undefined;
  }
}

/** The latest slot at or before `at`, if any is after `after` (exclusive). */
export function latestSlot(schedule: CronSchedule, at: Date, after: Date): Date | undefined {
  let slot: Date;
  try {
    // cron-parser's prev() is strictly before its current date: start one millisecond later so `at` itself counts.
    slot = expressionFrom(schedule, new Date(at.getTime() + 1)).prev().toDate();
  } catch {
    return undefined;
  }
  return slot.getTime() > after.getTime() ? slot : undefined;
}

/** What the schedule asks at `now`, given the last slot already handled (run or skipped). */
export interface SlotDecision {
  /** The slot to run now: the latest one after `since`, at or before `now`, not older than the starting deadline. */
  readonly due?: Date;
  /** A slot after `since` that is past its starting deadline: missed, never run. */
  readonly missed?: Date;
  /** The first slot after `now`. */
  readonly next?: Date;
}

/**
 * Which slot is due at `now`. Only the latest slot after `since` counts: slots missed while Kargo
 * was down (or all of a burst) run once, not once each, as a Kubernetes CronJob does; a slot later
 * than `startingDeadlineMs` is missed instead. `since` is the last slot handled (the engine's
 * newest run, or one this process skipped), or when the job was first seen.
 */
export function decideSlot(schedule: CronSchedule, now: Date, since: Date, startingDeadlineMs?: number): SlotDecision {
  const latest = latestSlot(schedule, now, since);
  const next = nextSlot(schedule, now);
  const withNext = next === undefined ? {} : { next };
  if (latest === undefined) return withNext;
  if (startingDeadlineMs !== undefined && now.getTime() - latest.getTime() > startingDeadlineMs) return { missed: latest, ...withNext };
  return { due: latest, ...withNext };
}
