import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { parseKey } from '../core/object-key.js';
import type { ObjectStatus } from '../core/status/object-status.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-outcome.js';

const runResults = ['succeeded', 'failed'] as const;
/** Run durations: a second to six hours (a tile seeder may take hours). */
const runBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600];

/**
 * The GeoJob metrics: runs by result and their durations, counted once per run from the
 * reconciles that first see them finished; the last success and the next slot read from the
 * statuses at each scrape (a job that stopped succeeding shows as a timestamp that stops moving).
 */
export class JobMetrics {
  private readonly runs: Counter<'namespace' | 'name' | 'result'>;
  private readonly durations: Histogram<'namespace' | 'name' | 'result'>;

  constructor(registry: Registry, statuses: () => Iterable<ObjectStatus>) {
    const registers = [registry];
    this.runs = new Counter({ name: 'kargo_job_runs_total', help: 'Runs of a GeoJob that finished, by result (a run stopped at its activeDeadline or replaced counts as failed)', labelNames: ['namespace', 'name', 'result'], registers });
    this.durations = new Histogram({ name: 'kargo_job_run_duration_seconds', help: 'Duration of a GeoJob run, from its service\'s creation to its last task\'s end', labelNames: ['namespace', 'name', 'result'], buckets: runBuckets, registers });
    const jobs = function* (): Iterable<ObjectStatus & { job: NonNullable<ObjectStatus['job']> }> {
      for (const status of statuses()) if (status.kind === 'GeoJob' && status.job !== undefined) yield { ...status, job: status.job };
    };
    // One series per job that has the time: absent, not 0, until it has one (an alert on age must not see 1970).
    const timestampGauge = (name: string, help: string, timeOf: (job: NonNullable<ObjectStatus['job']>) => string | undefined): void => {
      new Gauge({
        name,
        help,
        labelNames: ['namespace', 'name'],
        registers,
        collect() {
          this.reset();
          for (const status of jobs()) {
            const time = timeOf(status.job);
            if (time !== undefined) this.set({ namespace: status.namespace, name: status.name }, Date.parse(time) / 1000);
          }
        },
      });
    };
    timestampGauge('kargo_job_last_success_timestamp_seconds', 'Unix time the last successful run of a GeoJob finished (absent until one did)', (job) => job.lastSuccessful?.finishedAt);
    timestampGauge(
      'kargo_job_last_schedule_timestamp_seconds',
      'Unix time of the last scheduled slot of a GeoJob that ran or was handled (skipped, missed); with the next slot, the schedule\'s period',
      (job) => job.lastScheduleTime,
    );
    timestampGauge('kargo_job_next_schedule_timestamp_seconds', 'Unix time of the next scheduled slot of a GeoJob (absent without schedule, or suspended)', (job) => job.nextScheduleTime);
  }

  /** Counts the runs a reconcile saw finish for the first time. */
  reconciled(outcome: ReconcileOutcome): void {
    const { namespace, name } = parseKey(outcome.key);
    for (const run of outcome.finishedRuns ?? []) {
      this.runs.inc({ namespace, name, result: run.result });
      this.durations.observe({ namespace, name, result: run.result }, run.durationSeconds);
    }
  }

  /** Every result starts at 0, so that rate() and increase() see the first run. */
  statusAdded(status: ObjectStatus): void {
    if (status.kind !== 'GeoJob') return;
    for (const result of runResults) this.runs.inc({ namespace: status.namespace, name: status.name, result }, 0);
  }

  statusRemoved(key: string): void {
    const { kind, namespace, name } = parseKey(key);
    if (kind !== 'GeoJob') return;
    for (const result of runResults) {
      this.runs.remove({ namespace, name, result });
      this.durations.remove({ namespace, name, result });
    }
  }
}
