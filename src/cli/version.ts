import { readFileSync } from 'node:fs';

/** Kargo's version, from its package.json. */
export function kargoVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return packageJson.version;
}
