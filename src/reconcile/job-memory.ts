import type { JobMemory } from '../core/diff/plan-jobs.js';
import { newerResult, type RunResult } from '../core/status/job-status.js';

/** What this process keeps of one GeoJob between reconciles (the engine keeps the runs themselves). */
interface JobRecord {
  memory: JobMemory;
  /** A run asked for (kargo job run, the API) and not started yet. */
  requested?: Date;
  /** Runs whose end was already reported (metrics count each run once): the finished runs the engine still has. */
  reported: ReadonlySet<string>;
  lastSucceeded?: RunResult;
  lastFailed?: RunResult;
  lastSkipped?: { readonly slot: string; readonly reason: string };
}

/**
 * The controller's memory of GeoJobs: when each was first seen, the last slot handled (a slot
 * skipped leaves no service behind), requests to run now, and the last results (a run removed at
 * its deadline leaves none either). Lost on restart by design: the engine's run services say
 * which slot ran last, and that is all a restarted Kargo needs not to run a slot twice.
 */
export class JobMemoryStore {
  private readonly records = new Map<string, JobRecord>();

  /** The key's record, created on first sight at `now`. */
  recordOf(key: string, now: Date): Readonly<JobRecord> {
    return this.ensure(key, now);
  }

  /** Asks for a run of `key` now; the next reconcile starts it (under the concurrency policy). */
  request(key: string, now: Date): void {
    this.ensure(key, now).requested ??= now;
  }

  /** What a reconcile decided: the new memory, the request served, results seen, a slot skipped. */
  update(key: string, now: Date, change: { memory: JobMemory; requestServed: boolean; results: readonly RunResult[]; skipped?: { slot: string; reason: string } }): RunResult[] {
    const record = this.ensure(key, now);
    record.memory = change.memory;
    if (change.requestServed) delete record.requested;
    if (change.skipped !== undefined) record.lastSkipped = change.skipped;
    const fresh: RunResult[] = [];
    for (const result of change.results) {
      if (result.result === 'succeeded') record.lastSucceeded = newerResult(record.lastSucceeded, result) ?? result;
      else record.lastFailed = newerResult(record.lastFailed, result) ?? result;
      // Runs that ended before this process saw the job were reported by the one before it.
      if (!record.reported.has(result.name) && Date.parse(result.finishedAt) >= record.memory.firstSeen.getTime()) fresh.push(result);
    }
    // Run names are never reused (one per slot): a run gone from the engine needs no entry.
    record.reported = new Set(change.results.map((result) => result.name));
    return fresh;
  }

  forget(key: string): void {
    this.records.delete(key);
  }

  private ensure(key: string, now: Date): JobRecord {
    let record = this.records.get(key);
    if (record === undefined) {
      record = { memory: { firstSeen: now }, reported: new Set() };
      this.records.set(key, record);
    }
    return record;
  }
}
