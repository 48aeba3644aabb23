import { parseArgs } from 'node:util';
import type { ObjectStatusList } from '../../adapters/http/status-server.js';
import { conditionOf, isReady, type ObjectStatus } from '../../core/status/object-status.js';
import { ErrorCode, KargoError, describeError } from '../../errors.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { handleCommonFlags } from '../common-flags.js';
import { paint, type Style } from '../terminal-style.js';
import { formatJobRows } from './status-jobs.js';

export const defaultServer = 'http://127.0.0.1:9469';

export const statusUsage = `Usage: kargo status [--server URL] [--output table|json]

Shows every object (GeoService, Network, GeoJob) that a running Kargo manages: ready or not, available
(the OGC checks of spec.ogc) or not, replicas,
revision, age of its current state and why. Reads the status API of the Kargo at --server (default ${defaultServer},
env KARGO_SERVER). Exit code: 0 when all are Ready, 1 otherwise, 2 usage error.
`;

/** `kargo status`: a terminal view of the status API. */
export async function statusCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv, now: () => Date = () => new Date()): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { server: { type: 'string', short: 's' }, output: { type: 'string', short: 'o', default: 'table' }, help: { type: 'boolean', short: 'h' } },
  });
  const stop = handleCommonFlags('status', statusUsage, values, ['table', 'json'], io);
  if (stop !== undefined) return stop;
  const server = values.server ?? env['KARGO_SERVER'] ?? defaultServer;
  const list = await fetchList(server);
  io.stdout.write(values.output === 'json' ? `${JSON.stringify(list, null, 2)}\n` : formatStatusTable(list, now(), paint(io.colour === true)));
  return list.items.every(isReady) && list.manifestErrors.length === 0 ? ExitCode.Ok : ExitCode.Failed;
}

async function fetchList(server: string): Promise<ObjectStatusList> {
  const url = new URL('/api/v1/objects', server);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new KargoError(ErrorCode.ServerUnreachable, `cannot reach Kargo at ${server} (${describeError(error)}): is \`kargo run\` running there? Set --server or KARGO_SERVER`);
  }
  if (!response.ok) throw new KargoError(ErrorCode.ServerUnreachable, `Kargo at ${server} answered ${String(response.status)} for ${url.pathname}`);
  return (await response.json()) as ObjectStatusList;
}

/** The status list as a table, one object a row, then the manifest errors. */
export function formatStatusTable(list: ObjectStatusList, now: Date, style: Style): string {
  const header = ['KIND', 'NAMESPACE', 'NAME', 'READY', 'AVAILABLE', 'REPLICAS', 'REVISION', 'AGE', 'MESSAGE'];
  const rows = list.items.map((status) => rowOf(status, now));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  const colour = (status: ObjectStatus, text: string): string => (isReady(status) ? style.green(text) : conditionOf(status, 'Stalled')?.status === 'True' ? style.red(text) : style.yellow(text));
  const lines = [style.bold(line(header)), ...rows.map((row, index) => {
    const status = list.items[index];
    return status === undefined ? line(row) : colour(status, line(row));
  })];
  if (list.items.length === 0) lines.push(style.dim('(nothing managed)'));
  lines.push(...formatJobRows(list.items, now));
  for (const problem of list.manifestErrors) lines.push(style.red(`manifest error: ${problem.file}:${String(problem.line)}:${String(problem.column)}: ${problem.message}${problem.field === '' ? '' : ` (${problem.field})`}`));
  const ready = list.items.filter(isReady).length;
  lines.push(style.dim(`${String(ready)}/${String(list.items.length)} ready at revision ${list.revision ?? 'unknown'}${list.ready ? '' : '; Kargo itself is not ready'}`));
  return `${lines.join('\n')}\n`;
}

function rowOf(status: ObjectStatus, now: Date): string[] {
  const ready = conditionOf(status, 'Ready');
  const available = conditionOf(status, 'Available');
  // A Ready service whose OGC answers fail: that is the news.
  const current = ready?.status === 'True' ? (available?.status === 'False' ? available : undefined) : status.conditions.find((condition) => condition.status === 'True' && condition.type !== 'Available');
  const replicas = status.job !== undefined ? `${String(status.job.active.length)} run${status.job.active.length === 1 ? '' : 's'}` : status.desiredTasks === undefined ? '-' : `${String(status.runningTasks ?? 0)}/${String(status.desiredTasks)}`;
  const since = ready?.lastTransitionTime === undefined ? undefined : new Date(ready.lastTransitionTime);
  return [
    status.kind,
    status.namespace,
    status.name,
    ready?.status === 'True' ? 'True' : 'False',
    // '-': not checked (no spec.ogc, or not a GeoService).
    available?.status ?? '-',
    replicas,
    shortRevision(status.observedRevision),
    since === undefined ? '-' : age(now.getTime() - since.getTime()),
    current === undefined ? '' : `${current.type === 'Available' ? 'not Available, ' : ''}${current.reason}: ${current.message}`,
  ];
}

function shortRevision(revision: string | undefined): string {
  if (revision === undefined) return '-';
  return /^[0-9a-f]{40}/.test(revision) ? revision.slice(0, 12) : revision;
}

/** `42s`, `5m`, `3h`, `2d`, as kubectl shows ages. */
export function age(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 120) return `${String(seconds)}s`;
  if (seconds < 7200) return `${String(Math.floor(seconds / 60))}m`;
  if (seconds < 172800) return `${String(Math.floor(seconds / 3600))}h`;
  return `${String(Math.floor(seconds / 86400))}d`;
}
