/** The `kargo` command line: parses argv and dispatches to a command. */
import { kargoVersion } from './version.js';

import { ExitCode, type CliIo } from './cli-io.js';
import { demoCommand } from './commands/demo.js';
import { diffCommand } from './commands/diff.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';

export { ExitCode, type CliIo } from './cli-io.js';
export { kargoVersion } from './version.js';

const usage = `kargo — GitOps for Docker Swarm: GeoService manifests in git, converged Swarm services out.

Usage:
  kargo demo                 run Kargo on a throwaway local swarm with demo manifests (npm start)
  kargo run [--manifests DIR] [--once]
                             converge the swarm to the manifests and keep it converged
  kargo status [--server URL]
                             show every GeoService of a running Kargo (exit 1 unless all Ready)
  kargo validate [PATH...]   check GeoService manifests (exit 1 when one is invalid)
  kargo diff [--manifests DIR]
                             show what would change on the swarm (exit 3 when changes are pending)
  kargo version              print the version
  kargo help                 show this help

Environment:
  DOCKER_HOST                the engine to talk to (default unix:///var/run/docker.sock)
`;


/** Runs the command line `argv` (without node and script) and returns the exit code. */
export function main(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'validate':
      return validateCommand(rest, io);
    case 'diff':
      return diffCommand(rest, io, env);
    case 'run':
      return runCommand(rest, io, env);
    case 'demo':
      return demoCommand(rest, io, env);
    case 'status':
      return statusCommand(rest, io, env);
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
