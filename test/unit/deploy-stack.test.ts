import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/*
 * The hardening of deploy/kargo-stack.yml, checked without a swarm (the e2e test deploys it):
 * a read-only root filesystem works only while everything Kargo writes is on a mount.
 */

interface Mount {
  readonly type: string;
  readonly target: string;
  readonly read_only?: boolean;
}
interface KargoService {
  readonly read_only?: boolean;
  readonly cap_drop?: readonly string[];
  readonly environment: Record<string, string>;
  readonly volumes: readonly Mount[];
}

const stackFile = fileURLToPath(new URL('../../deploy/kargo-stack.yml', import.meta.url));
const kargo = (parse(readFileSync(stackFile, 'utf8')) as { services: { kargo: KargoService } }).services.kargo;
const writable = kargo.volumes.filter((mount) => mount.read_only !== true && (mount.type === 'volume' || mount.type === 'tmpfs'));
const onWritableMount = (path: string): boolean => writable.some((mount) => path === mount.target || path.startsWith(`${mount.target}/`));

describe('the stack file', () => {
  it('runs Kargo with a read-only root filesystem and no capabilities', () => {
    expect(kargo.read_only).toBe(true);
    expect(kargo.cap_drop).toEqual(['ALL']);
  });

  it('puts everything Kargo writes on a volume or a tmpfs: the git directory and /tmp', () => {
    expect(onWritableMount(kargo.environment['KARGO_GIT_DIR'] ?? '')).toBe(true);
    expect(onWritableMount('/tmp')).toBe(true);
  });

  it('listens on the container\'s interfaces, where Prometheus scrapes it over the overlay network', () => {
    expect(kargo.environment['KARGO_LISTEN']).toBe('0.0.0.0:9469');
  });
});
