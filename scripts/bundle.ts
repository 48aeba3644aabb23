/**
 * `npm run build`: bundles the `kargo` command line from src/cli/main.ts into dist/cli/ with
 * esbuild — the entry main.js plus one file per command and shared chunk, still loaded on demand.
 *
 * Why a bundle: a fresh `kargo run` spent ~75 ms of its start finding and loading the ~350 files of
 * Kargo and its dependencies one by one, and ~75 ms more on modules it never calls (below).
 * The image, the package's `bin` and the benchmark all run this bundle.
 *
 * The chunks sit next to main.js, at the depth of src/cli/, because version.ts reads
 * `../../package.json` relative to itself. Packages that need their own files at run time stay in
 * node_modules (see `loadedFromNodeModules`).
 */
import { build, type Plugin } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Modules that dockerode requires at load time and Kargo never calls: ssh2 serves ssh://
 * DOCKER_HOSTs (Kargo accepts unix:// and tcp:// only) and gRPC serves BuildKit builds. Each
 * becomes a stub that loads the real module from node_modules on its first call, so start-up
 * skips them (~60 ms). BuildKit's module is required on first use already; it only has to stay
 * out of the bundle, as it reads its .proto files next to itself.
 */
const loadedFromNodeModules: readonly { importer: string; request: string; module: string; stub: boolean }[] = [
  { importer: '/node_modules/dockerode/lib/', request: './session', module: 'dockerode/lib/session.js', stub: true },
  { importer: '/node_modules/dockerode/lib/', request: './buildkit', module: 'dockerode/lib/buildkit.js', stub: false },
  { importer: '/node_modules/docker-modem/lib/', request: './ssh', module: 'docker-modem/lib/ssh.js', stub: true },
];

const lazyOptionalModules: Plugin = {
  name: 'kargo-lazy-optional-modules',
  setup(bundler) {
    const requests = new RegExp(`^(${loadedFromNodeModules.map((entry) => entry.request.replaceAll('.', '\\.')).join('|')})$`);
    bundler.onResolve({ filter: requests }, (args) => {
      const entry = loadedFromNodeModules.find((candidate) => candidate.request === args.path && args.importer.includes(candidate.importer));
      if (entry === undefined) return undefined;
      return entry.stub ? { path: entry.module, namespace: 'kargo-stub' } : { path: entry.module, external: true };
    });
    bundler.onResolve({ filter: /.*/, namespace: 'kargo-stub' }, (args) => ({ path: args.path, external: true }));
    bundler.onLoad({ filter: /.*/, namespace: 'kargo-stub' }, (args) => ({
      // Both modules export one function; the stub forwards each call to it.
      contents: `module.exports = function () { return require(${JSON.stringify(args.path)}).apply(this, arguments); };`,
      loader: 'js',
    }));
  },
};

/** Writes the bundle to `outdir` (dist/cli by default); returns the files written. */
export async function bundleKargo(outdir = resolve(repoRoot, 'dist/cli')): Promise<string[]> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    tsconfig: 'tsconfig.json',
    // cpu-features is ssh2's optional native addon, and esbuild cannot bundle a .node file.
    external: ['cpu-features'],
    plugins: [lazyOptionalModules],
    // The bundled CommonJS packages (dockerode, pino, …) call require(); ESM has none.
    banner: { js: "import { createRequire as kargoCreateRequire } from 'node:module'; const require = kargoCreateRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
  });
  return Object.keys(result.metafile.outputs);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await bundleKargo(process.argv[2] === undefined ? undefined : resolve(process.argv[2]));
  console.log(`bundled src/cli/main.ts into ${String(files.length)} files in ${dirname(files[0] ?? 'dist/cli/main.js')}`);
}
