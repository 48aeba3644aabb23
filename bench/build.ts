/** Makes sure the bundle in dist/cli/ (what the child processes run) is built from the current sources. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runChild } from './measure.js';
import type { Say } from './progress.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The sources newer than the bundle dist/cli/main.js (all of them when it is missing). */
export function staleSources(root: string): string[] {
  const bundle = join(root, 'dist', 'cli', 'main.js');
  const builtAt = existsSync(bundle) ? statSync(bundle).mtimeMs : -Infinity;
  return sourceFiles(join(root, 'src')).filter((file) => statSync(file).mtimeMs > builtAt);
}

/** Runs `npm run build` when dist/ is missing or stale; returns a warning when the build failed. */
export async function ensureBuilt(root: string, say: Say): Promise<string | undefined> {
  const stale = staleSources(root);
  if (stale.length === 0) {
    say('dist/ is up to date');
    return undefined;
  }
  say(`dist/ is stale (${String(stale.length)} source(s) newer, e.g. ${relative(root, stale[0] ?? '')}): npm run build`);
  const result = await runChild('npm', ['run', 'build', '--silent'], process.env, root);
  if (result.code === 0 && existsSync(join(root, 'dist', 'cli', 'main.js'))) return undefined;
  const warning = `npm run build failed (exit ${String(result.code)}); the child-process figures ran on whatever dist/ holds: ${(result.stdout + result.stderr).trim().split('\n').slice(0, 5).join(' / ')}`;
  say(warning);
  return warning;
}
