import { parseArgs } from 'node:util';
import { readAgeIdentities, recipientsOf } from '../../adapters/files/age-identities.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { handleCommonFlags } from '../common-flags.js';

export const ageRecipientUsage = `Usage: kargo age-recipient [--age-identity-file FILE]

Prints the age recipient (age1…) of Kargo's identity (--age-identity-file, or
KARGO_AGE_IDENTITY_FILE): encrypt the secret files of the manifests to it, e.g.
  age -r "$(kargo age-recipient --age-identity-file key.txt)" -o secrets/db-password.age db-password.txt
Prints only the public recipient; the identity itself stays where it is.
`;

/** `kargo age-recipient`: what operators encrypt secret files to. */
export async function ageRecipientCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { 'age-identity-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const stop = handleCommonFlags('age-recipient', ageRecipientUsage, values, [], io);
  if (stop !== undefined) return stop;
  const file = values['age-identity-file'] ?? env['KARGO_AGE_IDENTITY_FILE'];
  if (file === undefined || file === '') {
    io.stderr.write(`kargo age-recipient: give the identity file with --age-identity-file (or KARGO_AGE_IDENTITY_FILE)\n\n${ageRecipientUsage}`);
    return ExitCode.Usage;
  }
  for (const recipient of await recipientsOf(readAgeIdentities(file))) io.stdout.write(`${recipient}\n`);
  return ExitCode.Ok;
}
