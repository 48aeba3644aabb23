/** The `kargo` command line: parses argv and dispatches to a command. */
import { kargoVersion } from './version.js';

import { ExitCode, type CliIo } from './cli-io.js';

export { ExitCode, type CliIo } from './cli-io.js';
export { kargoVersion } from './version.js';

const usage = `kargo — GitOps for Docker Swarm: GeoService manifests in git, converged Swarm services out.

Usage:
  kargo demo                 run Kargo on a throwaway local swarm with demo manifests (npm start)
  kargo run [--manifests DIR] [--values FILE] [--once]
                             converge the swarm to the manifests and keep it converged
  kargo status [--server URL]
                             show every object of a running Kargo (exit 1 unless all Ready)
  kargo job run NAMESPACE/NAME [--server URL] [--token-file FILE]
                             run a GeoJob now
  kargo validate [PATH...] [--values FILE] [--policy FILE]
                             check GeoService manifests (exit 1 when one is invalid)
  kargo diff [--manifests DIR] [--values FILE] [--policy FILE]
                             show what would change on the swarm (exit 3 when changes are pending)
  kargo age-recipient --age-identity-file FILE
                             print the age recipient to encrypt spec.secrets files to
  kargo version              print the version
  kargo help                 show this help

Environment:
  DOCKER_HOST                the engine to talk to (default unix:///var/run/docker.sock)
  KARGO_VALUES               values files (comma-separated) when there is no --values
  KARGO_AGE_IDENTITY_FILE    the age identity that opens spec.secrets files, when there is no --age-identity-file
  KARGO_POLICY               the operator's policy file when there is no --policy
`;


/** Runs the command line `argv` (without node and script) and returns the exit code. */
export function main(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    // Commands load on demand: `kargo validate` in CI need not load dockerode, pino and prom-client.
    case 'validate':
      return import('./commands/validate.js').then(({ validateCommand }) => validateCommand(rest, io, env));
    case 'diff':
      return import('./commands/diff.js').then(({ diffCommand }) => diffCommand(rest, io, env));
    case 'run':
      return import('./commands/run.js').then(({ runCommand }) => runCommand(rest, io, env));
    case 'demo':
      return import('./commands/demo.js').then(({ demoCommand }) => demoCommand(rest, io, env));
    case 'status':
      return import('./commands/status.js').then(({ statusCommand }) => statusCommand(rest, io, env));
    case 'job':
      return import('./commands/job.js').then(({ jobCommand }) => jobCommand(rest, io, env));
    case 'age-recipient':
      return import('./commands/age-recipient.js').then(({ ageRecipientCommand }) => ageRecipientCommand(rest, io, env));
    case 'version':
    case '--version':
      io.stdout.write(`kargo ${kargoVersion()}\n`);
      return Promise.resolve(ExitCode.Ok);
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(usage);
      return Promise.resolve(rest.length === 0 ? ExitCode.Ok : ExitCode.Usage);
    default:
      io.stderr.write(`kargo: unknown command "${command}"\n\n${usage}`);
      return Promise.resolve(ExitCode.Usage);
  }
}
