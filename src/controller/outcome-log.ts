import type { Logger } from 'pino';
import type { ReconcileOutcome } from '../reconcile/reconcile-outcome.js';
import type { StatusReader } from './status-store.js';

/**
 * The log line of one reconcile: a write at info, a Stalled object at warn the first time (at
 * debug when it says nothing new: a held object reconciled again by an event or a resync), the
 * rest at debug. Called before the outcome is recorded, so `statuses` still holds the previous one.
 */
export function logOutcome(logger: Logger, statuses: StatusReader, outcome: ReconcileOutcome, at: { readonly reconcileId: string; readonly revision: string; readonly seconds: number }): void {
  const fields = { key: outcome.key, reconcileId: at.reconcileId, revision: at.revision, durationMs: Math.round(at.seconds * 1000) };
  if (outcome.action !== 'none') {
    const drift = outcome.driftCorrected ? ' (drift corrected)' : '';
    logger.info({ ...fields, action: outcome.action, fields: outcome.changedFields, driftCorrected: outcome.driftCorrected }, `${outcome.key} ${outcome.action}${drift}`);
  } else if (outcome.phase.kind === 'stalled') {
    const before = statuses.get(outcome.key)?.conditions.find((condition) => condition.type === 'Stalled' && condition.status === 'True');
    const known = before?.reason === outcome.phase.reason && before.message === outcome.phase.message;
    logger[known ? 'debug' : 'warn']({ ...fields, reason: outcome.phase.reason }, `${outcome.key} stalled: ${outcome.phase.message}`);
  } else {
    logger.debug({ ...fields, phase: outcome.phase.kind }, `${outcome.key} ${outcome.phase.kind}`);
  }
}
