/**
 * Kargo's peak RSS while its loader reads hostile manifests (issue 22): every file is beside a
 * valid manifest, read through createManifestLoader as `kargo run` and `kargo validate` do.
 * Run: npx tsx bench/hostile-rss.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManifestLoader } from '../src/adapters/files/manifest-loader.js';

const oneMiB = 1024 * 1024;
const hostile: Record<string, (root: string) => void> = {
  'symlink to /dev/zero': (root) => symlinkSync('/dev/zero', join(root, 'zero.yaml')),
  'FIFO': (root) => execFileSync('mkfifo', [join(root, 'pipe.yaml')]),
  '1 MiB of [': (root) => writeFileSync(join(root, 'deep.yaml'), '['.repeat(oneMiB)),
  '1 MiB of "- "': (root) => writeFileSync(join(root, 'deep.yaml'), '- '.repeat(oneMiB / 2)),
  '1 MiB of ---': (root) => writeFileSync(join(root, 'docs.yaml'), '---\n'.repeat(oneMiB / 4)),
  '1 MiB flat list': (root) => writeFileSync(join(root, 'flat.yaml'), `[${'0,'.repeat(oneMiB / 2 - 1)}]`),
  '2 MiB file': (root) => writeFileSync(join(root, 'big.yaml'), `a: ${'x'.repeat(2 * oneMiB)}`),
  '20,000 files': (root) => {
    for (let index = 0; index < 20_000; index += 1) writeFileSync(join(root, `f${String(index)}.yaml`), `a: ${String(index)}\n`);
  },
  '100 files of 1 MiB': (root) => {
    for (let index = 0; index < 100; index += 1) writeFileSync(join(root, `f${String(index)}.yaml`), `a: "${'x'.repeat(oneMiB - 10)}"\n`);
  },
};

const valid = 'apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata:\n  name: valid\nspec:\n  image: nginx:1\n';
for (const [name, make] of Object.entries(hostile)) {
  const root = mkdtempSync(join(tmpdir(), 'kargo-hostile-'));
  mkdirSync(join(root, 'm'));
  writeFileSync(join(root, 'm', 'valid.yaml'), valid);
  make(join(root, 'm'));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = Date.now();
  const set = await createManifestLoader()([join(root, 'm')]);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const codes = [...new Set(set.problems.map((problem) => problem.code))].join(',');
  console.log(`${name.padEnd(22)} ${String(Date.now() - started).padStart(5)} ms  peak RSS ${String(Math.round(peak / oneMiB)).padStart(4)} MiB  manifests ${String(set.manifests.length)}  problems ${codes}`);
  rmSync(root, { recursive: true, force: true });
}
