import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { ErrorCode, KargoError, describeError } from '../errors.js';
import { busyboxPrerequisite, ensurePrerequisites } from './prerequisites.js';

/** A local image: a name (`repo:tag`) and the Dockerfile instructions applied on import. */
export interface LocalImageSpec {
  readonly name: string;
  readonly changes: readonly string[];
}

const shell = (script: string): string => `CMD ${JSON.stringify(['/bin/sh', '-c', script])}`;

/**
 * An HTTP server: answers every path under `/` with `$RESPONSE` on port `$PORT`.
 * Tag 2 differs from tag 1 only by its default response, for image-change tests.
 */
const httpServer = (tag: string, response: string): LocalImageSpec => ({
  name: `kargo-local/http:${tag}`,
  changes: [
    'ENV PORT=8080',
    `ENV RESPONSE=${JSON.stringify(response)}`,
    `LABEL io.kargo.sandbox=http-${tag}`,
    // A shell as PID 1 that exits on TERM: a bare httpd as PID 1 would ignore it, and every stop would wait out its grace period.
    shell('trap "exit 0" TERM INT; mkdir -p /www && printf "%s\\n" "$RESPONSE" > /www/index.html && httpd -f -p "$PORT" -h /www & wait'),
  ],
});

/** The images the sandbox builds: no registry is needed, everything is busybox. */
export const localImages = {
  http: httpServer('1', 'hello from kargo-local/http:1'),
  httpNext: httpServer('2', 'hello from kargo-local/http:2'),
  /** Runs briefly, then exits 1: a task that never becomes stable (failed rollouts). */
  crash: {
    name: 'kargo-local/crash:1',
    changes: ['ENV CRASH_AFTER=1', shell('echo "crashing in ${CRASH_AFTER}s"; sleep "$CRASH_AFTER"; exit 1')],
  },
  /** Does its work, then exits 0 (jobs). */
  job: {
    name: 'kargo-local/job:1',
    changes: ['ENV JOB_SECONDS=1', shell('echo "job running for ${JOB_SECONDS}s"; sleep "$JOB_SECONDS"; echo done')],
  },
} as const satisfies Record<string, LocalImageSpec>;

/** Builds `specs` on the engine with `docker import` from one busybox root filesystem. */
export async function buildLocalImages(
  docker: Docker,
  specs: readonly LocalImageSpec[] = Object.values(localImages),
  say: (line: string) => void = () => undefined,
): Promise<void> {
  const busybox = ensurePrerequisites([busyboxPrerequisite], say).get('busybox') ?? 'busybox';
  const rootfs = makeBusyboxRootfs(busybox);
  try {
    for (const spec of specs) {
      say(`building image ${spec.name}`);
      await importRootfs(docker, rootfs, spec);
    }
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

/** A temporary root filesystem with a static busybox, its applets, /etc/passwd and /tmp. */
export function makeBusyboxRootfs(busybox: string): string {
  const rootfs = mkdtempSync(join(tmpdir(), 'kargo-rootfs-'));
  for (const dir of ['bin', 'etc', 'tmp', 'www', 'data']) mkdirSync(join(rootfs, dir));
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync(busybox, join(rootfs, 'bin', 'busybox'));
  chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
  const applets = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet !== 'busybox') symlinkSync('busybox', join(rootfs, 'bin', applet));
  }
  writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  return rootfs;
}

/** `docker import` of a root filesystem directory as the image `spec` names. */
export async function importRootfs(docker: Docker, rootfs: string, spec: LocalImageSpec): Promise<void> {
  const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await importTar(docker, tar.stdout, spec);
}

/** `docker import` of a root filesystem tar stream as the image `spec` names. */
export async function importTar(docker: Docker, tar: NodeJS.ReadableStream, spec: LocalImageSpec): Promise<void> {
  const [repo, tag] = splitImageName(spec.name);
  try {
    const stream = await docker.importImage(tar, { repo, tag, changes: [...spec.changes] });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null) => {
        if (error) reject(error);
        else resolve();
      });
    });
  } catch (error) {
    throw new KargoError(ErrorCode.ImageBuildFailed, `docker import of ${spec.name} failed: ${describeError(error)}`, {
      cause: error,
    });
  }
}

function splitImageName(name: string): [string, string] {
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? [name.slice(0, colon), name.slice(colon + 1)] : [name, 'latest'];
}
