/** The repository root (child processes run `node dist/cli/main.js` from there). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The Node.js flags the image runs Kargo with, read from the Dockerfile's ENTRYPOINT (the
 * arguments between `node` and the script), so the benchmark measures Kargo as it ships.
 */
export function imageNodeFlags(): string[] {
  const line = readFileSync(resolve(repoRoot, 'Dockerfile'), 'utf8').split('\n').find((text) => text.startsWith('ENTRYPOINT '));
  const entrypoint = JSON.parse(line?.slice('ENTRYPOINT '.length) ?? '[]') as unknown;
  if (!Array.isArray(entrypoint)) throw new Error('the Dockerfile has no ENTRYPOINT in exec form');
  const words = entrypoint.map(String);
  const node = words.indexOf('node');
  if (node < 0) throw new Error('the Dockerfile\'s ENTRYPOINT does not run node');
  return words.slice(node + 1).filter((word) => word.startsWith('--'));
}

/**
 * A flag no Kargo command knows: `node dist/cli/main.js <command> --bench-load-only` loads the
 * command's modules, then stops with a usage error (exit 2). The bench times start-up with it.
 */
export const loadOnlyFlag = '--bench-load-only';
