/**
 * Configs and secrets without an engine: names and labels of the objects, the references in the
 * spec, the plaintext that prints as a mask, the diff's masking of credential-like env values,
 * and the loader's reading of the files a manifest names (paths, limits, age decryption).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Encrypter, armor, generateIdentity, identityToRecipient } from 'age-encryption';
import { afterEach, describe, expect, it } from 'vitest';
import { AgeDecrypter } from '../../src/adapters/files/age-identities.js';
import { createManifestLoader } from '../../src/adapters/files/manifest-loader.js';
import type { SecretOpening } from '../../src/adapters/files/age-identities.js';
import { maskCredentials } from '../../src/core/diff/mask-credentials.js';
import type { ClusterPlan } from '../../src/core/diff/plan-cluster.js';
import { SecretBytes } from '../../src/core/manifest/file-references.js';
import { fileObjectName, renderFileMounts } from '../../src/core/render/file-objects.js';
import { manifestFromYaml } from '../support/manifests.js';

describe('config and secret names', () => {
  const digest = 'a'.repeat(64);

  it('are <namespace>_<name>-<file>-<hash>, the same for the same inputs', () => {
    const name = fileObjectName('geo', 'mapserver', '/etc/mapserver/wms.map', digest);
    expect(name).toMatch(/^geo_mapserver-wms\.map-[0-9a-f]{12}$/);
    expect(fileObjectName('geo', 'mapserver', '/etc/mapserver/wms.map', digest)).toBe(name);
  });

  it.each([
    ['another owner', ['geo', 'mapcache', '/etc/mapserver/wms.map', digest]],
    ['another target', ['geo', 'mapserver', '/etc/other/wms.map', digest]],
    ['another content', ['geo', 'mapserver', '/etc/mapserver/wms.map', 'b'.repeat(64)]],
  ] as const)('differ for %s', (_what, [namespace, name, target, content]) => {
    expect(fileObjectName(namespace, name, target, content)).not.toBe(fileObjectName('geo', 'mapserver', '/etc/mapserver/wms.map', digest));
  });

  it("fit Swarm's 64 characters and end the cut part on a letter or digit", () => {
    const name = fileObjectName('a'.repeat(30), 'b'.repeat(30), '/etc/a-very-long-file-name-.conf', digest);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9]-[0-9a-f]{12}$/);
  });
});

describe('renderFileMounts', () => {
  const resource = manifestFromYaml(`
apiVersion: kargo.io/v1alpha1
kind: GeoService
metadata: { name: wms, namespace: geo }
spec:
  image: x
  configs:
    - { content: "b", target: /etc/b.conf }
    - { content: "a", target: /etc/a.conf, uid: "33", gid: "33", mode: "0440" }
  secrets:
    - { external: traefik-cert, target: /certs/cert.pem }
    - { file: ./secrets/db-password.age }
`);
  const contents = new Map([['spec.secrets[1]', { digest: 'c'.repeat(64), data: new SecretBytes(new TextEncoder().encode('pw')) }]]);

  it('refers to configs and secrets by name and target, sorted by target, with owner and mode', () => {
    const mounts = renderFileMounts(resource, contents);
    expect(mounts.configs.map((config) => config.File)).toEqual([
      { Name: '/etc/a.conf', UID: '33', GID: '33', Mode: 0o440 },
      { Name: '/etc/b.conf', UID: '0', GID: '0', Mode: 0o444 },
    ]);
    expect(mounts.secrets.map((secret) => [secret.File?.Name, secret.SecretName])).toEqual([
      ['/certs/cert.pem', 'traefik-cert'],
      ['/run/secrets/db-password', expect.stringMatching(/^geo_wms-db-password-[0-9a-f]{12}$/)],
    ]);
  });

  it('makes an object for each config and each secret file, not for an external secret', () => {
    const objects = renderFileMounts(resource, contents).objects;
    expect(objects.map((object) => object.kind)).toEqual(['config', 'config', 'secret']);
    expect(objects[2]?.labels).toEqual({
      'com.docker.stack.namespace': 'geo',
      'io.kargo.content-digest': 'c'.repeat(64),
      'io.kargo.geoservice': 'geo/wms',
      'io.kargo.managed-by': 'kargo',
    });
  });

  it('throws when the loader read no content for a file (a bug, never bad input)', () => {
    expect(() => renderFileMounts(resource)).toThrow(/no content was read for spec.secrets\[1\]/);
  });
});

describe('a secret value', () => {
  const secret = new SecretBytes(new TextEncoder().encode('hunter2'));

  it.each([
    ['JSON', () => JSON.stringify({ secret })],
    ['a string', () => String(secret)],
    ['inspect', () => inspect({ secret }, { showHidden: true, depth: 5 })],
  ])('prints as a mask in %s', (_how, print) => {
    expect(print()).not.toContain('hunter2');
    expect(print()).toContain('[secret]');
  });

  it('gives its bytes only when asked', () => {
    expect(new TextDecoder().decode(secret.reveal())).toBe('hunter2');
  });
});

describe('maskCredentials', () => {
  const plan = (changes: { path: string; from?: unknown; to?: unknown }[]): ClusterPlan => ({
    steps: [{ kind: 'update', key: 'geo/db', entry: { name: 'geo_db', action: 'configured', changes, recreateReasons: [] }, spec: {}, service: { ID: 'x', Version: { Index: 1 }, Spec: {} } }],
  });
  const changesOf = (masked: ClusterPlan): unknown => (masked.steps[0] !== undefined && 'entry' in masked.steps[0] ? masked.steps[0].entry.changes : undefined);

  it.each([
    ['POSTGRES_PASSWORD', true], ['GITHUB_TOKEN', true], ['client_secret', true], ['API_KEY', true], ['AWS_CREDENTIALS', true],
    ['POSTGRES_DB', false], ['MONKEY', true], ['TILE_CACHE', false],
  ])('masks env %s: %s', (name, masked) => {
    const path = `TaskTemplate.ContainerSpec.Env[${name}]`;
    const result = maskCredentials(plan([{ path, from: 'old', to: 'new' }]));
    expect(result.masked).toBe(masked);
    expect(changesOf(result.plan)).toEqual([masked ? { path, from: '(masked)', to: '(masked, changed)' } : { path, from: 'old', to: 'new' }]);
  });

  it('keeps an added or removed variable visible as such', () => {
    const added = 'TaskTemplate.ContainerSpec.Env[DB_PASSWORD]';
    const removed = 'TaskTemplate.ContainerSpec.Env[OLD_PASSWORD]';
    expect(changesOf(maskCredentials(plan([{ path: added, to: 'x' }, { path: removed, from: 'y' }])).plan)).toEqual([{ path: added, to: '(masked)' }, { path: removed, from: '(masked)' }]);
  });

  it('leaves other fields alone, even when their name says key', () => {
    const changes = [{ path: 'Labels[api.key]', from: 'a', to: 'b' }];
    expect(maskCredentials(plan(changes))).toEqual({ plan: plan(changes), masked: false });
  });
});

describe('the files a manifest names', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function repository(files: Record<string, string | Uint8Array>): string {
    const dir = mkdtempSync(join(tmpdir(), 'kargo-refs-'));
    dirs.push(dir);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
    return dir;
  }

  const manifest = (entries: string): string => `apiVersion: kargo.io/v1alpha1\nkind: GeoService\nmetadata: { name: web }\nspec:\n  image: x\n${entries}`;

  async function encrypted(plaintext: string, identity: string, armored = false): Promise<Uint8Array | string> {
    const encrypter = new Encrypter();
    encrypter.addRecipient(await identityToRecipient(identity));
    const file = await encrypter.encrypt(plaintext);
    return armored ? armor.encode(file) : file;
  }

  async function load(dir: string, secrets: SecretOpening = {}): Promise<Awaited<ReturnType<ReturnType<typeof createManifestLoader>>>> {
    return createManifestLoader({ secrets })([join(dir, 'manifests')]);
  }

  it('reads a config next to the manifest and names what changed by digest, in the revision too', async () => {
    const dir = repository({ 'manifests/web.yaml': manifest('  configs: [{ file: ./conf/app.conf, target: /etc/app.conf }]\n'), 'manifests/conf/app.conf': 'v1' });
    const first = await load(dir);
    expect(first.problems).toEqual([]);
    const content = first.manifests[0]?.contents?.get('spec.configs[0]');
    expect(new TextDecoder().decode(content?.data instanceof Uint8Array ? content.data : new Uint8Array())).toBe('v1');
    writeFileSync(join(dir, 'manifests/conf/app.conf'), 'v2');
    const second = await load(dir);
    expect(second.manifests[0]?.contents?.get('spec.configs[0]')?.digest).not.toBe(content?.digest);
    expect(second.contentRevision).not.toBe(first.contentRevision);
  });

  it.each([
    ['a missing file', './nope.conf', {}, 'missing-file', 'no such file'],
    ['a path out of the root, even to nothing', '../../outside/nope.conf', {}, 'outside-root', 'outside the manifests root'],
    ['a symlink out of the root', './link.conf', { link: true }, 'outside-root', 'outside the manifests root'],
    ['a file over 500 KiB', './big.conf', { big: true }, 'file-too-large', 'a Swarm config holds at most 512000'],
    ['a FIFO', './fifo.conf', { fifo: true }, 'not-a-regular-file', 'not a regular file'],
  ])('refuses %s, at the file field, and drops the GeoService', async (_what, path, setup: { link?: boolean; big?: boolean; fifo?: boolean }, code, message) => {
    const dir = repository({ 'manifests/web.yaml': manifest(`  configs: [{ file: ${path}, target: /etc/app.conf }]\n`), 'outside.conf': 'secret of the host' });
    if (setup.link === true) symlinkSync(join(dir, 'outside.conf'), join(dir, 'manifests/link.conf'));
    if (setup.big === true) writeFileSync(join(dir, 'manifests/big.conf'), 'x'.repeat(500 * 1024 + 1));
    if (setup.fifo === true) spawnSync('mkfifo', [join(dir, 'manifests/fifo.conf')]);
    const set = await load(dir);
    expect(set.manifests).toEqual([]);
    expect(set.problems.map(({ code, field, line, key }) => ({ code, field, line, key }))).toEqual([{ code, field: 'spec.configs[0].file', line: 6, key: 'default/web' }]);
    expect(set.problems[0]?.message).toContain(message);
  });

  it('decrypts binary and armored age files with the identity, into a value that prints as a mask', async () => {
    const identity = await generateIdentity();
    const dir = repository({
      'manifests/web.yaml': manifest('  secrets: [{ file: ./a.age }, { file: ./b.age }]\n'),
      'manifests/a.age': await encrypted('binary-pw', identity),
      'manifests/b.age': await encrypted('armored-pw', identity, true),
    });
    const set = await load(dir, { decrypter: new AgeDecrypter([identity]) });
    expect(set.problems).toEqual([]);
    const plain = (entry: string): string => {
      const data = set.manifests[0]?.contents?.get(entry)?.data;
      return data instanceof SecretBytes ? new TextDecoder().decode(data.reveal()) : '';
    };
    expect([plain('spec.secrets[0]'), plain('spec.secrets[1]')]).toEqual(['binary-pw', 'armored-pw']);
    expect(JSON.stringify(set)).not.toMatch(/binary-pw|armored-pw/);
  });

  it.each([
    ['another key', async (): Promise<SecretOpening> => ({ decrypter: new AgeDecrypter([await generateIdentity()]) }), 'cannot be decrypted'],
    ['no identity at all', (): Promise<SecretOpening> => Promise.resolve({}), 'Kargo has no age identity'],
  ])('makes a secret for %s undecryptable-secret', async (_what, opening, message) => {
    const dir = repository({ 'manifests/web.yaml': manifest('  secrets: [{ file: ./a.age }]\n'), 'manifests/a.age': await encrypted('pw', await generateIdentity()) });
    const set = await load(dir, await opening());
    expect(set.problems.map(({ code, field }) => ({ code, field }))).toEqual([{ code: 'undecryptable-secret', field: 'spec.secrets[0].file' }]);
    expect(set.problems[0]?.message).toContain(message);
  });

  it('checks only that a secret is an age file when validating without an identity', async () => {
    const dir = repository({ 'manifests/web.yaml': manifest('  secrets: [{ file: ./a.age }, { file: ./plain.txt, target: b }]\n'), 'manifests/a.age': await encrypted('pw', await generateIdentity()), 'manifests/plain.txt': 'pw' });
    const set = await load(dir, { checkOnly: true });
    expect(set.problems.map(({ code, field }) => ({ code, field }))).toEqual([{ code: 'undecryptable-secret', field: 'spec.secrets[1].file' }]);
    expect(set.problems[0]?.message).toContain('not an age-encrypted file');
  });
});
