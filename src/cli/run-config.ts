import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { valuesFilesOf } from '../adapters/files/values-files.js';
import { parseDuration } from '../core/manifest/units.js';
import { ErrorCode, KargoError } from '../errors.js';
import { checkGitSource, redact, type GitSourceSettings } from '../adapters/git/git-sync.js';
import { logLevels, type LogLevel } from '../observability/logger.js';
import { parseNamespaceScope } from '../core/namespace-scope.js';
import { optionalField as optional } from '../core/optional-field.js';

/** Everything `kargo run` is configured with; each flag has a KARGO_* environment variable. */
export interface RunConfig {
  readonly manifests: string;
  /** Values files (absolute paths), later ones winning; empty when none. */
  readonly values: readonly string[];
  /** The age identity file that opens the secrets of the manifests. */
  readonly ageIdentityFile?: string;
  /** The operator's policy file; the built-in baseline when undefined. */
  readonly policyFile?: string;
  /** The Swarm service Kargo runs as, when the flag or its variable says it. */
  readonly selfService?: string;
  readonly once: boolean;
  readonly onceTimeoutMs: number;
  readonly workers: number;
  readonly resyncMs: number;
  readonly debounceMs: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  readonly prune: boolean;
  readonly allowEmpty: boolean;
  readonly namespaces?: ReadonlySet<string>;
  readonly listen: string;
  /** Where Kargo reaches published ports for its OGC probes. */
  readonly ogcHost: string;
  /** The file holding the write endpoints' secret (read by `run`, never logged); none: they are off. */
  readonly webhookSecretFile?: string;
  readonly logLevel: LogLevel;
  readonly dockerHost?: string;
  /** Kargo's own git source, when --git-url is set (then --manifests is ignored). */
  readonly git?: GitSourceSettings & { readonly intervalMs: number };
}

interface Flag {
  readonly env: string;
  readonly type: 'string' | 'boolean';
  /** Repeatable; its environment variable is comma-separated. */
  readonly multiple?: true;
  readonly default?: string;
  readonly help: string;
}

/** The flags of `kargo run`, with their environment variables and defaults. */
export const runFlags = {
  manifests: { env: 'KARGO_MANIFESTS', type: 'string', default: '.', help: 'directory of GeoService manifests (a git checkout or a git-sync directory)' },
  'age-identity-file': { env: 'KARGO_AGE_IDENTITY_FILE', type: 'string', help: 'age identity (age-keygen) that decrypts the .age files of spec.secrets, e.g. /run/secrets/kargo-age-key' },
  values: { env: 'KARGO_VALUES', type: 'string', multiple: true, help: 'values file (.env format) for ${NAME} in the manifests; repeatable, later files win; comma-separated in the environment' },
  policy: { env: 'KARGO_POLICY', type: 'string', help: "the operator's policy file (YAML, kind: Policy), e.g. a Swarm config; never inside the manifests (default: the built-in baseline)" },
  'self-service': { env: 'KARGO_SELF_SERVICE', type: 'string', help: 'the Swarm service Kargo runs as, which no manifest may target (the stack sets {{.Service.Name}}; default: found from the container\'s hostname)' },
  once: { env: 'KARGO_ONCE', type: 'boolean', help: 'one full pass, follow rollouts, then exit 0 if all converged' },
  'once-timeout': { env: 'KARGO_ONCE_TIMEOUT', type: 'string', default: '10m', help: 'how long --once waits for rollouts and tasks' },
  workers: { env: 'KARGO_WORKERS', type: 'string', default: '64', help: 'GeoServices reconciled in parallel' },
  resync: { env: 'KARGO_RESYNC', type: 'string', default: '5m', help: 'full resync period (±10% jitter); 0 turns it off' },
  debounce: { env: 'KARGO_DEBOUNCE', type: 'string', default: '100ms', help: 'quiet time after file changes before reading the manifests' },
  'backoff-base': { env: 'KARGO_BACKOFF_BASE', type: 'string', default: '1s', help: 'first retry delay after a failed reconcile' },
  'backoff-cap': { env: 'KARGO_BACKOFF_CAP', type: 'string', default: '5m', help: 'longest retry delay' },
  'no-prune': { env: 'KARGO_NO_PRUNE', type: 'boolean', help: 'never remove services whose manifest is gone' },
  'allow-empty': { env: 'KARGO_ALLOW_EMPTY', type: 'boolean', help: 'allow pruning everything when no manifest is left' },
  namespaces: { env: 'KARGO_NAMESPACES', type: 'string', help: 'comma-separated namespaces to manage (default: all)' },
  listen: { env: 'KARGO_LISTEN', type: 'string', default: '127.0.0.1:9469', help: 'address of the metrics, health and status server (none with --once); the image sets 0.0.0.0:9469, for Prometheus on the overlay network' },
  'ogc-host': { env: 'KARGO_OGC_HOST', type: 'string', default: '127.0.0.1', help: "address at which Kargo reaches the ports the swarm publishes, to probe spec.ogc (the routing mesh answers on every node; in the stack, the node's address or the docker_gwbridge gateway)" },
  'webhook-secret-file': { env: 'KARGO_WEBHOOK_SECRET_FILE', type: 'string', help: 'file with the secret of POST /hooks/git (signed webhooks) and POST /api/v1/sources/refresh (bearer token); without it both answer 403' },
  'log-level': { env: 'KARGO_LOG_LEVEL', type: 'string', default: 'info', help: logLevels.join(', ') },
  'git-url': { env: 'KARGO_GIT_URL', type: 'string', help: 'follow this git repository instead of a --manifests directory' },
  'git-ref': { env: 'KARGO_GIT_REF', type: 'string', default: 'main', help: 'branch or tag to follow' },
  'git-path': { env: 'KARGO_GIT_PATH', type: 'string', default: '', help: 'subdirectory of the repository with the manifests' },
  'git-interval': { env: 'KARGO_GIT_INTERVAL', type: 'string', default: '1m', help: 'how often to fetch (POST /api/v1/sources/refresh fetches at once)' },
  'git-dir': { env: 'KARGO_GIT_DIR', type: 'string', default: '/var/lib/kargo/git', help: "Kargo's clone and checkouts (put it on a volume)" },
  'git-credentials-file': { env: 'KARGO_GIT_CREDENTIALS_FILE', type: 'string', help: 'git-credentials file (https://user:token@host), e.g. /run/secrets/git-credentials' },
  'git-ssh-key-file': { env: 'KARGO_GIT_SSH_KEY_FILE', type: 'string', help: 'private key for ssh URLs, e.g. /run/secrets/git-ssh-key' },
  'git-known-hosts-file': { env: 'KARGO_GIT_KNOWN_HOSTS_FILE', type: 'string', help: "ssh known_hosts file: host keys are then checked strictly (without it, a host's first key is trusted: accept-new)" },
  'git-allow-local-urls': { env: 'KARGO_GIT_ALLOW_LOCAL_URLS', type: 'boolean', help: 'accept file:// URLs and local paths as --git-url (for tests; default https://, ssh:// and user@host:path only)' },
} as const satisfies Record<string, Flag>;

/** Help text listing every flag. */
export function runFlagsHelp(): string {
  return Object.entries(runFlags)
    .map(([name, flag]) => {
      const value = flag.type === 'string' ? ' VALUE' : '';
      const fallback = 'default' in flag ? ` (default ${flag.default})` : '';
      return `  --${name}${value}\n      ${flag.help}${fallback}; env ${flag.env}`;
    })
    .join('\n');
}

/** Flags over environment over defaults. Throws a usage error naming the flag at fault. */
export function parseRunConfig(argv: readonly string[], env: NodeJS.ProcessEnv): RunConfig {
  const options = Object.fromEntries(Object.entries(runFlags).map(([name, flag]) => [name, { type: flag.type, multiple: 'multiple' in flag }])) as Record<keyof typeof runFlags, { type: 'string' | 'boolean'; multiple: boolean }>;
  const { values } = parseArgs({ args: [...argv], options, strict: true });
  const text = (name: keyof typeof runFlags): string | undefined => {
    const flag: Flag = runFlags[name];
    const value = values[name];
    if (typeof value === 'string') return value;
    return env[flag.env] ?? flag.default;
  };
  const bool = (name: keyof typeof runFlags): boolean => {
    const value = values[name];
    if (value === true) return true;
    const fromEnv = env[runFlags[name].env];
    return fromEnv !== undefined && ['1', 'true', 'yes'].includes(fromEnv.toLowerCase());
  };
  const duration = (name: keyof typeof runFlags): number => {
    const value = text(name) ?? '';
    const nanoseconds = value === '0' ? 0 : parseDuration(value);
    if (nanoseconds === undefined) throw usage(`--${name} must be a duration such as 500ms, 30s or 5m, not "${value}"`);
    return nanoseconds / 1e6;
  };
  const workers = Number(text('workers'));
  if (!Number.isInteger(workers) || workers < 1) throw usage(`--workers must be a whole number of at least 1, not "${text('workers') ?? ''}"`);
  const logLevel = text('log-level') ?? 'info';
  if (!(logLevels as readonly string[]).includes(logLevel)) throw usage(`--log-level must be one of ${logLevels.join(', ')}, not "${logLevel}"`);
  const namespaceScope = parseNamespaceScope(text('namespaces'));
  const dockerHost = env['DOCKER_HOST'];
  const valuesFlags = Array.isArray(values.values) ? values.values.filter((path) => typeof path === 'string') : undefined;
  const gitUrl = text('git-url');
  const credentialsFile = text('git-credentials-file');
  const sshKeyFile = text('git-ssh-key-file');
  const knownHostsFile = text('git-known-hosts-file');
  const webhookSecretFile = text('webhook-secret-file');
  const policyFile = text('policy');
  const selfService = text('self-service');
  const git =
    gitUrl === undefined || gitUrl === ''
      ? undefined
      : {
          url: gitUrl,
          ref: text('git-ref') ?? 'main',
          path: text('git-path') ?? '',
          dir: text('git-dir') ?? '/var/lib/kargo/git',
          intervalMs: duration('git-interval'),
          ...(bool('git-allow-local-urls') ? { allowLocal: true } : {}),
          ...(credentialsFile === undefined ? {} : { credentialsFile }),
          ...(sshKeyFile === undefined ? {} : { sshKeyFile }),
          ...(knownHostsFile === undefined ? {} : { knownHostsFile }),
        };
  const gitRefusal = git === undefined ? undefined : checkGitSource(git);
  if (gitRefusal !== undefined) throw usage(redact(gitRefusal));
  return {
    manifests: text('manifests') ?? '.',
    values: valuesFilesOf(valuesFlags, env[runFlags.values.env]).map((path) => resolve(path)),
    ...optional('ageIdentityFile', text('age-identity-file')),
    ...(policyFile === undefined || policyFile === '' ? {} : { policyFile }),
    ...(selfService === undefined || selfService === '' ? {} : { selfService }),
    once: bool('once'),
    onceTimeoutMs: duration('once-timeout'),
    workers,
    resyncMs: duration('resync'),
    debounceMs: duration('debounce'),
    backoffBaseMs: duration('backoff-base'),
    backoffCapMs: duration('backoff-cap'),
    prune: !bool('no-prune'),
    allowEmpty: bool('allow-empty'),
    ...(namespaceScope === undefined ? {} : { namespaces: namespaceScope }),
    listen: text('listen') ?? '127.0.0.1:9469',
    ogcHost: text('ogc-host') ?? '127.0.0.1',
    ...(webhookSecretFile === undefined || webhookSecretFile === '' ? {} : { webhookSecretFile }),
    logLevel: logLevel as LogLevel,
    ...(dockerHost === undefined || dockerHost === '' ? {} : { dockerHost }),
    ...(git === undefined ? {} : { git }),
  };
}

function usage(message: string): KargoError {
  return new KargoError(ErrorCode.Usage, message);
}
