import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ErrorCode, KargoError, describeError } from '../../errors.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { handleCommonFlags } from '../common-flags.js';
import { defaultServer } from './status.js';

export const jobUsage = `Usage: kargo job run NAMESPACE/NAME [--server URL] [--token-file FILE]

Asks the running Kargo at --server (default ${defaultServer}, env KARGO_SERVER) to run the GeoJob
now, as POST /api/v1/geojobs/NAMESPACE/NAME/run with the webhook secret as bearer token, read
from --token-file (env KARGO_TOKEN_FILE, or KARGO_WEBHOOK_SECRET_FILE as Kargo itself reads it).
The run starts at the job's next reconcile, under its concurrencyPolicy; watch it with kargo status.
Exit code: 0 when Kargo accepted the request, 1 when it refused it, 2 usage error.
`;

/** `kargo job run ns/name`: a run of a GeoJob now. */
export async function jobCommand(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { server: { type: 'string', short: 's' }, 'token-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const stop = handleCommonFlags('job', jobUsage, values, [], io);
  if (stop !== undefined) return stop;
  const [action, target = '', ...extra] = positionals;
  const [namespace = '', name = '', ...more] = target.split('/');
  if (action !== 'run' || namespace === '' || name === '' || more.length > 0 || extra.length > 0) {
    io.stderr.write(`kargo job: expected "run NAMESPACE/NAME"\n\n${jobUsage}`);
    return ExitCode.Usage;
  }
  const tokenFile = values['token-file'] ?? env['KARGO_TOKEN_FILE'] ?? env['KARGO_WEBHOOK_SECRET_FILE'];
  if (tokenFile === undefined) {
    io.stderr.write('kargo job run: needs the webhook secret: --token-file FILE (or KARGO_TOKEN_FILE)\n');
    return ExitCode.Usage;
  }
  const token = readToken(tokenFile);
  const server = values.server ?? env['KARGO_SERVER'] ?? defaultServer;
  const url = new URL(`/api/v1/geojobs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/run`, server);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new KargoError(ErrorCode.ServerUnreachable, `cannot reach Kargo at ${server} (${describeError(error)}): is \`kargo run\` running there? Set --server or KARGO_SERVER`);
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (response.status !== 202) {
    io.stderr.write(`kargo job run: Kargo at ${server} answered ${String(response.status)}: ${body.error ?? 'no reason given'} (${ErrorCode.JobRunRefused})\n`);
    return ExitCode.Failed;
  }
  io.stdout.write(`run of GeoJob ${namespace}/${name} requested: ${body.message ?? 'accepted'}\n`);
  return ExitCode.Ok;
}

/** The secret as Kargo reads it: the file's text without its trailing newline. */
function readToken(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new KargoError(ErrorCode.Usage, `cannot read the token file ${file}: ${describeError(error)}`);
  }
}
