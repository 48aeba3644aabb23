import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Candidate } from '../../core/manifest/across-manifests.js';
import { fileReferencesOf, maxFileObjectBytes, SecretBytes, type FileContent, type FileReference } from '../../core/manifest/file-references.js';
import { ManifestProblemCode, type ReadReferences } from '../../core/manifest/manifest-set.js';
import { describeError } from '../../errors.js';
import { looksLikeAgeFile, type AgeDecrypter, type SecretOpening } from './age-identities.js';
import { insideRoot, readRegularFile, type FoundFile } from './manifest-files.js';

/** Plaintexts by the digest of their encrypted file: the previous read's, and this read's. */
export interface DecryptedCache {
  readonly previous: ReadonlyMap<string, SecretBytes>;
  readonly next: Map<string, SecretBytes>;
}

/** An age file's overhead over its plaintext: a header of a few hundred bytes, 16 bytes per 64 KiB chunk. */
const ageOverheadBytes = 16 * 1024;

type Problem = ReadReferences['problems'][number];

/**
 * Reads the files the candidates' configs and secrets name, each relative to its manifest's real
 * directory and never outside the root its manifest was found under. A secret is decrypted here,
 * so that the plaintext exists only in a SecretBytes. Decrypted files are kept by digest from one
 * read to the next, so an unchanged secret is opened once.
 */
export async function readReferencedFiles(
  candidates: readonly Candidate[],
  found: ReadonlyMap<string, FoundFile>,
  secrets: SecretOpening,
  cache: DecryptedCache,
): Promise<Map<Candidate, ReadReferences>> {
  const result = new Map<Candidate, ReadReferences>();
  for (const candidate of candidates) {
    const references = fileReferencesOf(candidate.resource.spec);
    const manifest = found.get(candidate.source.file);
    if (references.length === 0 || manifest === undefined) continue;
    const contents = new Map<string, FileContent>();
    const problems: Problem[] = [];
    for (const reference of references) {
      const read = await readReference(reference, manifest, secrets, cache);
      if ('problem' in read) problems.push({ field: reference.field, ...read.problem });
      else if (read.content !== undefined) contents.set(reference.entry, read.content);
    }
    result.set(candidate, { contents, problems });
  }
  return result;
}

async function readReference(
  reference: FileReference,
  manifest: FoundFile,
  secrets: SecretOpening,
  cache: DecryptedCache,
): Promise<{ content?: FileContent } | { problem: Omit<Problem, 'field'> }> {
  const fail = (code: Problem['code'], message: string): { problem: Omit<Problem, 'field'> } => ({ problem: { code, message: `${reference.path}: ${message}` } });
  const written = join(dirname(manifest.real), reference.path);
  // Checked as written first, so that a path out of the root is named as such even when nothing is there.
  if (!insideRoot(written, manifest.root)) return fail(ManifestProblemCode.OutsideRoot, 'outside the manifests root: not read');
  let real: string;
  try {
    real = await realpath(written);
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    return missing ? fail(ManifestProblemCode.MissingFile, 'no such file (paths are relative to this manifest)') : fail(ManifestProblemCode.FileUnreadable, describeError(error));
  }
  if (!insideRoot(real, manifest.root)) return fail(ManifestProblemCode.OutsideRoot, 'outside the manifests root: not read');
  const secret = reference.kind === 'secret';
  const read = readRegularFile(real, maxFileObjectBytes + (secret ? ageOverheadBytes : 0));
  if ('notRegular' in read) return fail(ManifestProblemCode.NotARegularFile, 'not a regular file: not read');
  if ('tooLarge' in read) return fail(ManifestProblemCode.FileTooLarge, `${String(read.sizeBytes)} bytes; a Swarm ${reference.kind} holds at most ${String(maxFileObjectBytes)}`);
  if ('unreadable' in read) return fail(read.missing ? ManifestProblemCode.MissingFile : ManifestProblemCode.FileUnreadable, read.unreadable);
  const digest = createHash('sha256').update(read.bytes).digest('hex');
  if (!secret) return { content: { digest, data: new Uint8Array(read.bytes) } };
  if (!looksLikeAgeFile(read.bytes)) return fail(ManifestProblemCode.UndecryptableSecret, 'not an age-encrypted file: encrypt it with age -r <recipient> (kargo age-recipient prints Kargo\'s)');
  if (secrets.decrypter === undefined) {
    return secrets.checkOnly === true ? {} : fail(ManifestProblemCode.UndecryptableSecret, 'Kargo has no age identity to decrypt it: start Kargo with --age-identity-file');
  }
  const plaintext = cache.previous.get(digest) ?? cache.next.get(digest) ?? (await decrypt(read.bytes, secrets.decrypter));
  if (typeof plaintext === 'string') return fail(ManifestProblemCode.UndecryptableSecret, plaintext);
  if (plaintext.byteLength > maxFileObjectBytes) return fail(ManifestProblemCode.FileTooLarge, `decrypts to ${String(plaintext.byteLength)} bytes; a Swarm secret holds at most ${String(maxFileObjectBytes)}`);
  cache.next.set(digest, plaintext);
  return { content: { digest, data: plaintext } };
}

/** The plaintext, or why Kargo's identities cannot open the file (the library's reason names no content). */
async function decrypt(file: Uint8Array, decrypter: AgeDecrypter): Promise<SecretBytes | string> {
  try {
    return new SecretBytes(await decrypter.decrypt(file));
  } catch (error) {
    return `cannot be decrypted with Kargo's age identity (${describeError(error)}): encrypt it to the recipient \`kargo age-recipient\` prints`;
  }
}
