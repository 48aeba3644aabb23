import { SwarmClient } from '../../adapters/docker/swarm-client.js';
import { secretOpeningOf } from '../../adapters/files/age-identities.js';
import { findSelfService } from '../../adapters/docker/self-service.js';
import { assertPolicyOutside, readPolicyFile } from '../../adapters/files/policy-file.js';
import { isReady } from '../../core/status/object-status.js';
import { startRuntime, type KargoRuntime } from '../../runtime/kargo-runtime.js';
import { readWebhookSecret } from '../../adapters/http/webhook-auth.js';
import { kargoVersion } from '../version.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { firstStopSignal } from '../stop-signals.js';
import { parseRunConfig, runFlagsHelp, type RunConfig } from '../run-config.js';

export const runUsage = `Usage: kargo run [flags]

Converges the swarm at DOCKER_HOST to the GeoService manifests in --manifests and keeps it
converged: reacts to file changes and Docker service events, resyncs periodically.
With --once: one full pass, following rollouts; exit 0 when all converged, 1 otherwise.

Flags:
${runFlagsHelp()}
`;

/** `kargo run`: the controller. */
export async function runCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(runUsage);
    return ExitCode.Ok;
  }
  const config = parseRunConfig(argv, env);
  // Read before anything starts: a missing identity is a start-up error, not a problem per secret.
  const secrets = secretOpeningOf(config.ageIdentityFile, 'refuse');
  const logger = createLogger(config.logLevel);
  // Read before anything starts, so that a wrong path stops Kargo at once rather than at the first webhook.
  const webhookSecret = config.once || config.webhookSecretFile === undefined ? undefined : await readWebhookSecret(config.webhookSecretFile);
  // Read before anything starts: a broken policy must stop Kargo, not let it run on the baseline.
  assertPolicyOutside(config.policyFile, [config.git?.dir ?? config.manifests]);
  const policy = readPolicyFile(config.policyFile);
  const swarm = SwarmClient.connect(config.dockerHost);
  await swarm.assertManager();
  const selfService = await findSelfService(swarm, config.selfService);
  logger.info({ policy: policy.origin, selfService }, `policy: ${policy.origin}; ${selfService === undefined ? 'not running as a Swarm service' : `Kargo's own service ${selfService} is never touched`}`);
  const runtime = await startRuntime({
    swarm,
    logger,
    version: kargoVersion(),
    settings: { ...config, secrets, policy, ...(selfService === undefined ? {} : { selfService }), retryFailures: !config.once, watch: !config.once },
    ...(config.once ? {} : { listen: config.listen }),
    ...(webhookSecret === undefined ? {} : { webhookSecret }),
    ...(config.git === undefined ? {} : { git: config.git }),
  });
  return config.once ? runOnce(runtime, config, logger) : runUntilSignalled(runtime, logger);
}

async function runOnce(runtime: KargoRuntime, config: RunConfig, logger: Logger): Promise<number> {
  const deadline = Date.now() + config.onceTimeoutMs;
  const operator = runtime.operator;
  await runtime.started;
  while (!operator.controller.settled && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const timedOut = !operator.controller.settled;
  await runtime.stop();
  const statuses = [...operator.controller.statuses.values()];
  const notReady = statuses.filter((status) => !isReady(status));
  const problems = operator.controller.currentSnapshot?.problems.length ?? 0;
  const converged = !timedOut && notReady.length === 0 && problems === 0;
  logger.info(
    { converged, services: statuses.length, notReady: notReady.map((status) => status.key), manifestProblems: problems, timedOut },
    converged ? 'converged' : `not converged: ${String(notReady.length)} GeoService(s) not ready, ${String(problems)} manifest problem(s)${timedOut ? ', timed out' : ''}`,
  );
  return converged ? ExitCode.Ok : ExitCode.Failed;
}

async function runUntilSignalled(runtime: KargoRuntime, logger: Logger): Promise<number> {
  const stopped = firstStopSignal((signal) => logger.info({ signal }, `${signal}: already stopping`));
  await Promise.race([runtime.started, stopped]);
  const signal = await stopped;
  logger.info({ signal }, `${signal}: finishing the reconciles in flight, then stopping`);
  await runtime.stop();
  logger.info('stopped');
  return ExitCode.Ok;
}
