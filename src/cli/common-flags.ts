import { ExitCode, type CliIo } from './cli-io.js';

/**
 * Handles the flags every command shares, `--help` and `--output`: returns the exit code when
 * the command must stop here (help printed, or an output format it does not have), else undefined.
 */
export function handleCommonFlags(
  command: string,
  usage: string,
  values: { readonly help?: boolean | undefined; readonly output?: string | undefined },
  outputs: readonly string[],
  io: CliIo,
): number | undefined {
  if (values.help === true) {
    io.stdout.write(usage);
    return ExitCode.Ok;
  }
  if (values.output !== undefined && !outputs.includes(values.output)) {
    io.stderr.write(`kargo ${command}: --output must be ${outputs.join(' or ')}, not "${values.output}"\n`);
    return ExitCode.Usage;
  }
  return undefined;
}
