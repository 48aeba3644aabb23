import type { Logger } from 'pino';
import type { ReconcileOutcome } from '../reconcile/reconcile-outcome.js';
import type { StatusReader } from './status-store.js';

/** One line per reconcile that did or found something; a GeoJob's finished runs each get theirs. */
export function logOutcome(logger: Logger, statuses: StatusReader, outcome: ReconcileOutcome, context: { readonly reconcileId: string; readonly revision: string; readonly seconds: number }): void {
  const fields = { key: outcome.key, reconcileId: context.reconcileId, revision: context.revision, durationMs: Math.round(context.seconds * 1000) };
  for (const run of outcome.finishedRuns ?? []) {
    const exit = run.exitCode === undefined ? '' : ` (exit code ${String(run.exitCode)})`;
    logger[run.result === 'succeeded' ? 'info' : 'warn'](
      { ...fields, run: run.name, slot: run.slot, result: run.result, exitCode: run.exitCode, runSeconds: run.durationSeconds, node: run.node, error: run.error },
      `${outcome.key} run ${run.name} ${run.result}${exit}`,
    );
  }
  if (outcome.action !== 'none') {
    const drift = outcome.driftCorrected ? ' (drift corrected)' : '';
    logger.info({ ...fields, action: outcome.action, fields: outcome.changedFields, driftCorrected: outcome.driftCorrected }, `${outcome.key} ${outcome.action}${drift}`);
  } else if (outcome.phase.kind === 'stalled') {
    // Said once at warn: a held object reconciled again (an event, a resync) says nothing new.
    const before = statuses.get(outcome.key)?.conditions.find((condition) => condition.type === 'Stalled' && condition.status === 'True');
    const known = before?.reason === outcome.phase.reason && before.message === outcome.phase.message;
    logger[known ? 'debug' : 'warn']({ ...fields, reason: outcome.phase.reason }, `${outcome.key} stalled: ${outcome.phase.message}`);
  } else {
    logger.debug({ ...fields, phase: outcome.phase.kind }, `${outcome.key} ${outcome.phase.kind}`);
  }
}
