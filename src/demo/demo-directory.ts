import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { ErrorCode, KargoError } from '../errors.js';
import { demoManifests, type DemoOptions, type LeftOut } from './demo-manifests.js';
import { examplesDir } from './examples.js';

/** What `writeDemoManifests` wrote. */
export interface DemoDirectory {
  /** The manifests directory to run Kargo on. */
  readonly directory: string;
  /** The demo manifests written, relative to `directory`. */
  readonly manifests: readonly string[];
  /** The files their configs and secrets name, copied as they are (secrets stay encrypted), relative to `directory`. */
  readonly copied: readonly string[];
  /** The examples' objects the demo does not run, and why (print them: the header of each file says it too). */
  readonly leftOut: readonly LeftOut[];
}

export interface WriteDemoOptions extends DemoOptions {
  /** Where the examples are (default: the repository's examples/). */
  readonly examplesDir?: string;
}

/**
 * Writes the demo manifests into `directory`: every example (`*.yaml`, `*.yml` of the examples
 * directory and below) made fit for the one-node sandbox swarm by `demoManifests`, at the same
 * relative path, and every file their configs and secrets name next to them, so the relative
 * paths hold. Run Kargo on `directory` with the examples' age identity (`exampleAgeIdentityFile`)
 * to open the secrets. Examples left out entirely get no file.
 */
export function writeDemoManifests(directory: string, options: WriteDemoOptions = {}): DemoDirectory {
  const from = options.examplesDir ?? examplesDir;
  const examples = yamlFiles(from).map((file) => ({ file, text: readFileSync(join(from, file), 'utf8') }));
  const demo = demoManifests(examples, options);
  const manifests: string[] = [];
  const copied = new Set<string>();
  for (const file of demo) {
    if (file.text === undefined) continue;
    write(directory, file.file, file.text);
    manifests.push(file.file);
    for (const reference of file.references) {
      if (copied.has(reference)) continue;
      const source = join(from, reference);
      // Kargo's loader refuses such a file too; here it would be copied out of the demo's directory.
      if (reference === '..' || reference.startsWith('../') || isAbsolute(reference)) {
        throw new KargoError(ErrorCode.Usage, `examples/${file.file} names ${reference}, outside the examples directory`);
      }
      mkdirSync(dirname(join(directory, reference)), { recursive: true });
      copyFileSync(source, join(directory, reference));
      copied.add(reference);
    }
  }
  return { directory, manifests, copied: [...copied].sort(), leftOut: demo.flatMap((file) => file.leftOut) };
}

function write(directory: string, file: string, text: string): void {
  mkdirSync(dirname(join(directory, file)), { recursive: true });
  writeFileSync(join(directory, file), text);
}

/** The YAML files below `root` (hidden entries skipped, as Kargo's loader does), relative, with `/`. */
function yamlFiles(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) return yamlFiles(root, path);
      return entry.isFile() && /\.ya?ml$/.test(entry.name) ? [path] : [];
    })
    .sort();
}
