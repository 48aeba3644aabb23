import type { ObjectStatus } from '../../core/status/object-status.js';
import type { RunResult } from '../../core/status/job-status.js';
import { age } from './status.js';

/**
 * The runs of the GeoJobs of a status list, one job a row: the last slot, the last success and
 * failure (with exit code), the active run and the next slot. Empty without GeoJobs.
 */
export function formatJobRows(items: readonly ObjectStatus[], now: Date): string[] {
  const jobs = items.filter((status) => status.kind === 'GeoJob');
  if (jobs.length === 0) return [];
  const ago = (iso: string | undefined): string => (iso === undefined ? '-' : `${age(now.getTime() - Date.parse(iso))} ago`);
  const result = (run: RunResult | undefined): string => (run === undefined ? '-' : `${ago(run.finishedAt)} (${run.durationSeconds.toFixed(1)}s${run.exitCode === undefined ? '' : `, exit ${String(run.exitCode)}`})`);
  const header = ['JOB', 'LAST SCHEDULE', 'LAST SUCCESS', 'LAST FAILURE', 'ACTIVE', 'NEXT'];
  const rows = jobs.map(({ namespace, name, job }) => [
    `${namespace}/${name}`,
    ago(job?.lastScheduleTime),
    result(job?.lastSuccessful),
    result(job?.lastFailed),
    job?.active.map((run) => run.name).join(', ') || '-',
    job?.suspended === true ? 'suspended' : job?.nextScheduleTime === undefined ? '-' : `in ${age(Date.parse(job.nextScheduleTime) - now.getTime())}`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return ['', line(header), ...rows.map(line)];
}
