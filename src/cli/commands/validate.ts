import { parseArgs } from 'node:util';
import type { ManifestSet } from '../../core/manifest/manifest-set.js';
import { secretOpeningOf } from '../../adapters/files/age-identities.js';
import { createManifestLoader } from '../../adapters/files/manifest-loader.js';
import { valuesFilesOf } from '../../adapters/files/values-files.js';
import { readPolicyFile } from '../../adapters/files/policy-file.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { handleCommonFlags } from '../common-flags.js';
import { paint } from '../terminal-style.js';

export const validateUsage = `Usage: kargo validate [PATH...] [--values FILE]... [--policy FILE] [--age-identity-file FILE] [--output text|json]

Checks GeoService manifests (files, or directories walked recursively; default ".") against the
schema and Kargo's rules, after substituting \${NAME} from the values files (.env format; later
files win; KARGO_VALUES, comma-separated, when no --values), against the operator's policy
(--policy, or KARGO_POLICY; the built-in baseline without one), and the files that configs and
secrets name: present, inside the root, age files; decrypted too when an age identity is given
(--age-identity-file or KARGO_AGE_IDENTITY_FILE). Prints one line per problem:
file:line:col: message (field).
Exit code: 0 all valid, 1 a manifest is invalid, 2 usage error or invalid policy file.
`;

/** `kargo validate`: the check CI runs on every pull request. */
export async function validateCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o', default: 'text' },
      values: { type: 'string', multiple: true },
      policy: { type: 'string' },
      'age-identity-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const stop = handleCommonFlags('validate', validateUsage, values, ['text', 'json'], io);
  if (stop !== undefined) return stop;
  const valuesFiles = valuesFilesOf(values.values, env['KARGO_VALUES']);
  const secrets = secretOpeningOf(values['age-identity-file'] ?? env['KARGO_AGE_IDENTITY_FILE'], 'check-only');
  const policy = readPolicyFile(values.policy ?? env['KARGO_POLICY']);
  const set = await createManifestLoader({ valuesFiles, secrets, policy: { policy } })(positionals.length > 0 ? positionals : ['.']);
  io.stdout.write(values.output === 'json' ? `${JSON.stringify(validationReport(set), null, 2)}\n` : formatValidation(set, io.colour === true));
  return set.problems.length === 0 ? ExitCode.Ok : ExitCode.Failed;
}

/** The machine-readable result of `kargo validate --output json`. */
export function validationReport(set: ManifestSet): object {
  return {
    valid: set.problems.length === 0,
    files: set.files.length,
    manifests: set.manifests.map(({ key, source }) => ({ key, ...source })),
    problems: set.problems,
    ignored: set.ignored,
  };
}

/** One line per problem and per ignored document, then a summary. */
export function formatValidation(set: ManifestSet, colour: boolean): string {
  const style = paint(colour);
  const lines = [
    ...set.problems.map(
      (p) => `${style.bold(`${p.file}:${p.line}:${p.column}`)}: ${style.red('error')}: ${p.message}${p.field === '' ? '' : style.dim(` (${p.field})`)}`,
    ),
    ...set.ignored.map(
      (d) => `${style.bold(`${d.file}:${d.line}:${d.column}`)}: ${style.dim('info')}: ignored ${d.kind === '' ? 'a document without kind' : `kind ${d.kind}`}${d.apiVersion === '' ? '' : ` (${d.apiVersion})`}: not a GeoService`,
    ),
  ];
  const invalidFiles = new Set(set.problems.map((p) => p.file)).size;
  const valid = `${set.manifests.length} GeoService${set.jobs.length === 0 ? '' : ` and ${set.jobs.length} GeoJob`} manifest(s) valid`;
  const summary = set.problems.length === 0 ? style.green(`${valid} in ${set.files.length} file(s)`) : style.red(`${set.problems.length} problem(s) in ${invalidFiles} file(s); ${valid}`);
  return `${[...lines, summary].join('\n')}\n`;
}
