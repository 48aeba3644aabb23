import { readFileSync } from 'node:fs';
import type { Decrypter } from 'age-encryption';
import { ErrorCode, KargoError } from '../../errors.js';

/**
 * The identities of an age identity file, as `age-keygen` writes it: `AGE-SECRET-KEY-1…` lines
 * among `#` comments. The file is Kargo's private key (mount it as a Swarm secret); its content
 * never appears in an error.
 */
export function readAgeIdentities(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new KargoError(ErrorCode.AgeIdentityUnreadable, `the age identity file ${file} ${reason}: create one with age-keygen -o ${file}`);
  }
  const identities = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('AGE-SECRET-KEY-'));
  if (identities.length === 0) {
    throw new KargoError(ErrorCode.AgeIdentityUnreadable, `the age identity file ${file} holds no AGE-SECRET-KEY- line: create one with age-keygen -o ${file}`);
  }
  return identities;
}

type AgeModule = typeof import('age-encryption');
let ageModule: Promise<AgeModule> | undefined;

/** The age library, loaded on first use: `kargo validate` and a Kargo without secrets never pay for its curves. */
function loadAge(): Promise<AgeModule> {
  ageModule ??= import('age-encryption');
  return ageModule;
}

/** The public recipients (`age1…`) that files must be encrypted to for these identities. */
export async function recipientsOf(identities: readonly string[]): Promise<string[]> {
  const { identityToRecipient } = await loadAge();
  return Promise.all(identities.map((identity) => identityToRecipient(identity)));
}

const armorHeader = '-----BEGIN AGE ENCRYPTED FILE-----';

/** Opens age files (binary, or ASCII-armored by `age --armor`) with a set of identities. */
export class AgeDecrypter {
  private decrypter: Decrypter | undefined;

  constructor(private readonly identities: readonly string[]) {}

  async decrypt(file: Uint8Array): Promise<Uint8Array> {
    const age = await loadAge();
    this.decrypter ??= this.withIdentities(new age.Decrypter());
    const text = Buffer.from(file.subarray(0, armorHeader.length)).toString('latin1');
    const binary = text === armorHeader ? age.armor.decode(Buffer.from(file).toString('utf8')) : file;
    return this.decrypter.decrypt(binary);
  }

  private withIdentities(decrypter: Decrypter): Decrypter {
    for (const identity of this.identities) decrypter.addIdentity(identity);
    return decrypter;
  }
}

/** Whether bytes start like an age file: what `kargo validate` checks when it has no identity. */
export function looksLikeAgeFile(file: Uint8Array): boolean {
  const start = Buffer.from(file.subarray(0, 40)).toString('latin1');
  return start.startsWith('age-encryption.org/v1\n') || start.startsWith(armorHeader);
}

/**
 * How secret files are opened: with Kargo's identities; or, with none, only checked to be age
 * files (`kargo validate` without an identity) or refused (Kargo cannot create the secret).
 */
export interface SecretOpening {
  readonly decrypter?: AgeDecrypter;
  readonly checkOnly?: boolean;
}

/** The secret opening for an identity file (`--age-identity-file`), or for none. Throws when the file cannot be read. */
export function secretOpeningOf(identityFile: string | undefined, withoutIdentity: 'refuse' | 'check-only'): SecretOpening {
  if (identityFile !== undefined && identityFile !== '') return { decrypter: new AgeDecrypter(readAgeIdentities(identityFile)) };
  return withoutIdentity === 'check-only' ? { checkOnly: true } : {};
}
