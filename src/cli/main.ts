#!/usr/bin/env node
/** The `kargo` executable: runs the command line and turns failures into an exit code. */
import { describeError, ErrorCode, KargoError } from '../errors.js';
import { main } from './kargo.js';

try {
  const colour = process.stdout.isTTY && process.env['NO_COLOR'] === undefined;
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, colour });
} catch (error) {
  process.stderr.write(`kargo: ${describeError(error)}${error instanceof KargoError ? ` [${error.code}]` : ''}\n`);
  // A policy file that does not read is the operator's configuration at fault, like a bad flag.
  const usage = error instanceof KargoError ? error.code === ErrorCode.Usage || error.code === ErrorCode.PolicyInvalid : String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  process.exitCode = usage ? 2 : 1;
}
