import { parseArgs } from 'node:util';
import { SwarmClient } from '../../adapters/docker/swarm-client.js';
import { secretOpeningOf } from '../../adapters/files/age-identities.js';
import { createManifestLoader } from '../../adapters/files/manifest-loader.js';
import { valuesFilesOf } from '../../adapters/files/values-files.js';
import { readPolicyFile } from '../../adapters/files/policy-file.js';
import { revisionWithValues } from '../../core/source-revision.js';
import { desiredStateOf, planPolicyOf, type DesiredState } from '../../core/desired-state.js';
import { inNamespaceScope, parseNamespaceScope, type NamespaceScope } from '../../core/namespace-scope.js';
import { isManagedByKargo } from '../../core/render/ownership.js';
import { formatPlan, hasPendingChanges } from '../../core/diff/format-plan.js';
import { maskCredentials } from '../../core/diff/mask-credentials.js';
import { ownerKey } from '../../core/diff/plan-changes.js';
import { networkOwnerKey } from '../../core/diff/plan-networks.js';
import { planCluster, type ClusterPlan, type ClusterPlanStep } from '../../core/diff/plan-cluster.js';
import { kindOfKey } from '../../core/object-key.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { handleCommonFlags } from '../common-flags.js';
import { formatValidation } from './validate.js';
import { paint } from '../terminal-style.js';

/** `kargo diff` exits 3 when applying the manifests would change the cluster. */
export const ChangesPending = 3;

export const diffUsage = `Usage: kargo diff [--manifests DIR] [--values FILE]... [--policy FILE] [--age-identity-file FILE]
                  [--namespaces NS,…] [--output text|json] [--no-prune] [--allow-empty] [--show-secrets]

Shows what \`kargo run\` would change on the swarm at DOCKER_HOST to match the manifests in DIR
(default "."), per service and per field. Writes nothing. Give it the --values, --policy (or
KARGO_POLICY), --age-identity-file, --namespaces, --no-prune and --allow-empty of the Kargo it
checks: services of other namespaces are left out, and a manifest the policy denies is held, as
run holds it. Configs and secrets show by name, which holds a hash of their content; env values
whose name looks like a credential (PASSWORD, TOKEN, SECRET, KEY) are masked unless --show-secrets.
Exit code: 0 in sync, 3 changes pending, 1 a manifest is invalid or the engine failed, 2 usage error or invalid policy file.
`;

/** `kargo diff`: the drift check CI runs against a live cluster. */
export async function diffCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      manifests: { type: 'string', short: 'm', default: '.' },
      values: { type: 'string', multiple: true },
      'age-identity-file': { type: 'string' },
      'show-secrets': { type: 'boolean', default: false },
      policy: { type: 'string' },
      namespaces: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'text' },
      'no-prune': { type: 'boolean', default: false },
      'allow-empty': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const stop = handleCommonFlags('diff', diffUsage, values, ['text', 'json'], io);
  if (stop !== undefined) return stop;
  const root = values.manifests;
  const secrets = secretOpeningOf(values['age-identity-file'] ?? env['KARGO_AGE_IDENTITY_FILE'], 'refuse');
  const policy = readPolicyFile(values.policy ?? env['KARGO_POLICY']);
  const set = await createManifestLoader({ valuesFiles: valuesFilesOf(values.values, env['KARGO_VALUES']), secrets, policy: { policy } })([root]);
  const scope = parseNamespaceScope(values.namespaces);
  const state = inScope(desiredStateOf(set, root, revisionWithValues(set.contentRevision, set.valuesRevision)), scope);
  const swarm = SwarmClient.connect(env['DOCKER_HOST']);
  await swarm.assertManager();
  const live = await swarm.readLiveState();
  // Another Kargo's services are not orphans of this one; a foreign service of a wanted name is still a conflict.
  const services = live.services.filter((service) => !isManagedByKargo(service.Spec.Labels) || inNamespaceScope(ownerKey(service), scope));
  const networks = live.networks.filter((network) => !isManagedByKargo(network.Labels ?? undefined) || inNamespaceScope(networkOwnerKey(network), scope));
  const planned = planCluster(state, { ...live, services, networks, everyService: live.services }, planPolicyOf(state, state.desired.length === 0 && state.jobs.length === 0, { prune: !values['no-prune'], allowEmpty: values['allow-empty'] }));
  const { plan, masked } = values['show-secrets'] ? { plan: planned, masked: false } : maskCredentials(planned);
  if (values.output === 'json') {
    io.stdout.write(`${JSON.stringify(planReport(plan, set.problems.length), null, 2)}\n`);
  } else {
    if (set.problems.length > 0) io.stderr.write(formatValidation(set, io.colour === true));
    const style = paint(io.colour === true);
    io.stdout.write(formatPlan(plan, { added: style.green, removed: style.red, changed: style.yellow, dim: style.dim }));
    if (masked) io.stdout.write(style.dim('values of credential-like env variables are masked; kargo diff --show-secrets shows them\n'));
  }
  if (set.problems.length > 0) return ExitCode.Failed;
  return hasPendingChanges(plan) ? ChangesPending : ExitCode.Ok;
}

function inScope(state: DesiredState, scope: NamespaceScope): DesiredState {
  return {
    ...state,
    desired: state.desired.filter((service) => inNamespaceScope(service.key, scope)),
    networks: state.networks.filter((network) => inNamespaceScope(network.key, scope)),
    jobs: state.jobs.filter((job) => inNamespaceScope(job.key, scope)),
  };
}

function planReport(plan: ClusterPlan, problems: number): object {
  const isNetwork = (step: ClusterPlanStep): boolean => kindOfKey(step.key) === 'Network';
  return {
    inSync: !hasPendingChanges(plan),
    manifestProblems: problems,
    ...(plan.pruneRefused === undefined ? {} : { pruneRefused: plan.pruneRefused }),
    services: plan.steps.filter((step) => !isNetwork(step)).map(stepReport),
    networks: plan.steps.filter(isNetwork).map(stepReport),
  };
}

function stepReport(step: ClusterPlanStep): object {
  return {
    key: step.key,
    step: step.kind,
    ...('entry' in step ? { name: step.entry.name, action: step.entry.action, changes: step.entry.changes, recreateReasons: step.entry.recreateReasons } : { name: step.name, reason: step.reason }),
  };
}
