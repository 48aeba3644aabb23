/**
 * The two tools under test, driven the way a user drives them: Kargo's `main()` in-process
 * (`kargo run --once`), and the Docker CLI's `docker stack deploy` as a child process.
 */
import { main } from '../src/cli/kargo.js';
import { runChild, type ChildResult } from './measure.js';
import { recordRequests, writeOperations, type RequestRecord } from './request-counter.js';

/** Where the Docker CLI is (the engine's API is 1.41; this client negotiates down). */
export const dockerCli = process.env['KARGO_BENCH_DOCKER'] ?? '/usr/local/bin/docker';

export interface KargoOnceResult {
  readonly exitCode: number;
  readonly ms: number;
  /** Every Docker API request it sent, and the writes among them. */
  readonly requests: RequestRecord[];
  readonly writes: RequestRecord[];
  /** When main() was called, in performance.now() ms (to place the writes in time). */
  readonly startedAt: number;
  readonly output: string;
}

/** The argv of `kargo run --once` on a directory and namespace. */
export function kargoOnceArgs(dir: string, namespace: string, workers: number): string[] {
  return ['run', '--once', '--manifests', dir, '--namespaces', namespace, '--workers', String(workers), '--log-level', 'silent'];
}

/** `kargo run --once …` through main(), with DOCKER_HOST set, counting the writes it sends. */
export async function kargoOnce(dockerHost: string, dir: string, namespace: string, workers: number): Promise<KargoOnceResult> {
  let output = '';
  const sink = { write: (text: string) => (output += text) };
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  const startedAt = performance.now();
  const { result: exitCode, requests } = await recordRequests(() => main(kargoOnceArgs(dir, namespace, workers), { stdout: sink, stderr: sink }, env));
  const ms = performance.now() - startedAt;
  return { exitCode, ms, requests, writes: requests.filter((request) => writeOperations.includes(request.operation)), startedAt, output };
}

/** The argv of the `docker stack deploy` the bench runs. */
export function stackDeployArgs(composeFile: string, stack: string): string[] {
  return ['stack', 'deploy', '--resolve-image', 'never', '-c', composeFile, stack];
}

/** `docker stack deploy` as a child process against the engine at `dockerHost`. */
export async function stackDeploy(dockerHost: string, composeFile: string, stack: string): Promise<ChildResult> {
  const result = await runChild(dockerCli, stackDeployArgs(composeFile, stack), { ...process.env, DOCKER_HOST: dockerHost });
  if (result.code !== 0) throw new Error(`docker stack deploy ${stack} failed (exit ${String(result.code)}): ${result.stderr.trim()}`);
  return result;
}
