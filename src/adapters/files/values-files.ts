import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { valuesRevision } from '../../core/source-revision.js';
import { describeError, ErrorCode, KargoError } from '../../errors.js';

/** The values of some values files, merged, and their revision (see valuesRevision). */
export interface ValuesRead {
  readonly values: ReadonlyMap<string, string>;
  readonly revision: string;
}

/**
 * Reads values files in the `.env` format (parsed by dotenv: `NAME=value`, comments, quotes;
 * no `${…}` expansion inside values), later files over earlier ones. The process environment is
 * not consulted: the same repository and values files give the same services on every machine.
 * A file that cannot be read is an error, never an empty set of values: that would turn every
 * `${NAME:-default}` to its default, or hold every service that uses a value.
 */
export function readValuesFiles(paths: readonly string[]): ValuesRead {
  const values = new Map<string, string>();
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new KargoError(ErrorCode.ValuesFileUnreadable, `cannot read the values file ${path}: ${describeError(error)}`, { cause: error });
    }
    for (const [name, value] of Object.entries(parse(text))) values.set(name, value);
  }
  return { values, revision: valuesRevision(values) };
}

/** The values files of `--values` flags, or else of a comma-separated environment variable. */
export function valuesFilesOf(flags: readonly string[] | undefined, fromEnv: string | undefined): string[] {
  if (flags !== undefined && flags.length > 0) return [...flags];
  return (fromEnv ?? '').split(',').map((path) => path.trim()).filter((path) => path !== '');
}
