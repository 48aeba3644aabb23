/**
 * Configs and secrets on the real engine: a config from a repository file and a secret from an
 * age file (encrypted with the age CLI) reach the task; editing the file rolls the service to a
 * new config and removes the ones no spec uses; an unreadable reference holds the service as it
 * is; drift is set back; and the secret's plaintext shows nowhere Kargo prints, serves or labels.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretOpeningOf } from '../../src/adapters/files/age-identities.js';
import { ownershipLabels } from '../../src/core/render/ownership.js';
import type { Service } from '../../src/core/swarm/engine-api.js';
import { ensurePrerequisites } from '../../src/sandbox/prerequisites.js';
import { runKargo } from '../support/cli.js';
import { httpManifest, useKargo, type RunningKargo } from '../support/running-kargo.js';
import { execInTask, testSwarm, waitFor } from '../support/swarm.js';

const swarm = testSwarm();
const startKargo = useKargo();
const tools = ensurePrerequisites([{ command: 'age', debianPackage: 'age' }, { command: 'age-keygen', debianPackage: 'age' }], (line) => console.log(line));
const keys = mkdtempSync(join(tmpdir(), 'kargo-age-'));
afterAll(() => rmSync(keys, { recursive: true, force: true }));

/** A new age identity made by age-keygen, and its recipient. */
function newIdentity(name: string): { file: string; recipient: string } {
  const file = join(keys, `${name}.txt`);
  run(tools.get('age-keygen') ?? 'age-keygen', ['-o', file]);
  return { file, recipient: run(tools.get('age-keygen') ?? 'age-keygen', ['-y', file]).trim() };
}

/** The plaintext encrypted by the age CLI to `recipient`, as the operator would commit it. */
function encrypt(plaintext: string, recipient: string): string {
  return run(tools.get('age') ?? 'age', ['--armor', '-r', recipient], plaintext);
}

function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  return result.stdout;
}

const kargoKey = newIdentity('kargo');
const withConfigAndSecret = `  configs:
    - { file: ./conf/app.conf, target: /etc/app/app.conf, mode: "0440" }
  secrets:
    - { file: ./secrets/db-password.age, target: db-password }
`;

async function service(k: RunningKargo, name: string): Promise<Service> {
  const found = (await k.services()).get(`${k.namespace}_${name}`);
  if (found === undefined) throw new Error(`no service ${name}`);
  return found;
}

function configNames(spec: Service['Spec'] | undefined): string[] {
  return (spec?.TaskTemplate?.ContainerSpec?.Configs ?? []).map((config) => config.ConfigName);
}

async function ownedNames(k: RunningKargo, kind: 'config' | 'secret'): Promise<string[]> {
  const objects = await swarm.listFileObjects(kind, { label: [`${ownershipLabels.stackNamespace}=${k.namespace}`] });
  return objects.map((object) => object.Spec.Name).sort();
}

async function readInTask(k: RunningKargo, path: string): Promise<string> {
  const result = await execInTask(swarm, `${k.namespace}_web`, ['cat', path]);
  if (result.exitCode !== 0) throw new Error(`cat ${path}: ${result.output}`);
  return result.output;
}

/** Waits until the service runs a spec naming a config other than `previous`, and is Ready. */
async function rolledFrom(k: RunningKargo, previous: string): Promise<string> {
  const name = await waitFor('the rollout to a new config', async () => {
    const now = configNames((await service(k, 'web')).Spec)[0];
    return now !== undefined && now !== previous ? now : undefined;
  }, { timeoutMs: 90_000 });
  await waitFor('Ready after the rollout', async () => ((await service(k, 'web')).UpdateStatus?.State === 'updating' ? undefined : k.status('web')?.conditions.some((c) => c.type === 'Ready' && c.status === 'True')));
  return name;
}

/** Kargo with web mounting a config (version = 1) and a secret, once web is Ready. */
async function startWeb(): Promise<RunningKargo> {
  const k = await startKargo({
    'web.yaml': (ns) => httpManifest(ns, 'web', withConfigAndSecret),
    'conf/app.conf': () => 'version = 1\n',
    'secrets/db-password.age': () => encrypt('pw', kargoKey.recipient),
  }, { secrets: secretOpeningOf(kargoKey.file, 'refuse') });
  await k.waitForCondition('web', 'Ready');
  return k;
}

describe('configs and secrets', () => {
  it('mounts a config and an age secret, rolls a changed config, keeps the previous spec\'s, and never shows the plaintext', async () => {
    const plaintext = `pw-${Math.random().toString(36).slice(2)}-never-print-me`;
    const k = await startKargo({
      'web.yaml': (ns) => httpManifest(ns, 'web', withConfigAndSecret, 'RESPONSE: hello, DB_PASSWORD_FILE: /run/secrets/db-password'),
      'conf/app.conf': () => 'version = 1\n',
      'secrets/db-password.age': () => encrypt(plaintext, kargoKey.recipient),
    }, { secrets: secretOpeningOf(kargoKey.file, 'refuse') });
    await k.waitForCondition('web', 'Ready');
    expect(await readInTask(k, '/etc/app/app.conf')).toBe('version = 1\n');
    expect(await readInTask(k, '/run/secrets/db-password')).toBe(plaintext);
    const mode = await execInTask(swarm, `${k.namespace}_web`, ['stat', '-c', '%a', '/etc/app/app.conf']);
    expect(mode.output.trim()).toBe('440');
    const first = configNames((await service(k, 'web')).Spec)[0] ?? '';
    expect(first).toMatch(new RegExp(`^${k.namespace}_web-app\\.conf-[0-9a-f]{12}$`));
    expect(await ownedNames(k, 'secret')).toEqual([expect.stringMatching(new RegExp(`^${k.namespace}_web-db-password-[0-9a-f]{12}$`))]);

    k.write('conf/app.conf', 'version = 2\n');
    const second = await rolledFrom(k, first);
    expect(await readInTask(k, '/etc/app/app.conf')).toBe('version = 2\n');
    k.write('conf/app.conf', 'version = 3\n');
    const third = await rolledFrom(k, second);
    expect(await readInTask(k, '/etc/app/app.conf')).toBe('version = 3\n');
    // The spec's config and the previous spec's (a Swarm rollback's target) stay; the first one is gone.
    const web = await service(k, 'web');
    expect(configNames(web.PreviousSpec)).toEqual([second]);
    expect(await ownedNames(k, 'config')).toEqual([second, third].sort());

    const writes = { ...k.swarm.writes };
    await k.operator?.controller.resync();
    expect(k.swarm.writes).toEqual(writes);

    // Everything Kargo printed, served and labelled, then what kargo diff prints: nothing holds the plaintext.
    const served = await Promise.all(['/metrics', '/api/v1/objects', '/api/v1/geoservices', `/api/v1/geoservices/${k.namespace}/web`].map((path) => k.get(path)));
    await k.runtime?.stop();
    k.write('conf/app.conf', 'version = 4\n');
    k.write('web.yaml', httpManifest(k.namespace, 'web', withConfigAndSecret, 'RESPONSE: hello, DB_PASSWORD_FILE: /run/secrets/other'));
    const diff = await runKargo(['diff', '--manifests', k.dir, '--namespaces', k.namespace, '--age-identity-file', kargoKey.file], { DOCKER_HOST: swarm.dockerHost });
    expect(diff.code).toBe(3);
    expect(diff.stdout).toContain('TaskTemplate.ContainerSpec.Configs[/etc/app/app.conf].ConfigName');
    expect(diff.stdout).toContain('TaskTemplate.ContainerSpec.Env[DB_PASSWORD_FILE]: "(masked)" → "(masked, changed)"');
    expect(diff.stdout).not.toContain('/run/secrets/other');
    const engineSide = [await swarm.listServices({ label: [`${ownershipLabels.stackNamespace}=${k.namespace}`] }), await swarm.listFileObjects('secret', {}), await swarm.listFileObjects('config', {})];
    const everything = [JSON.stringify(k.logs), JSON.stringify(served), JSON.stringify(engineSide), diff.stdout, diff.stderr].join('\n');
    expect(everything).toContain('db-password');
    expect(everything).not.toContain(plaintext);
  });

  it('holds the live service as it is when a referenced file is missing, escapes the root or cannot be decrypted', async () => {
    const k = await startWeb();
    const before = await service(k, 'web');
    const writes = { ...k.swarm.writes };
    const cases = [
      { text: withConfigAndSecret.replace('./conf/app.conf', './conf/missing.conf'), code: 'missing-file', field: 'spec.configs[0].file', line: 12 },
      { text: withConfigAndSecret.replace('./conf/app.conf', '../../etc/hostname'), code: 'outside-root', field: 'spec.configs[0].file', line: 12 },
      { text: withConfigAndSecret.replace('./secrets/db-password.age', './secrets/other.age'), code: 'undecryptable-secret', field: 'spec.secrets[0].file', line: 14 },
    ];
    k.write('secrets/other.age', encrypt('pw', newIdentity('other').recipient));
    for (const broken of cases) {
      k.write('web.yaml', httpManifest(k.namespace, 'web', broken.text));
      const problem = await waitFor(`the ${broken.code} problem`, () => k.operator?.controller.currentSnapshot?.problems.find((p) => p.code === broken.code));
      expect(problem).toMatchObject({ file: join(k.dir, 'web.yaml'), line: broken.line, field: broken.field, key: `${k.namespace}/web` });
      const stalled = await k.waitForCondition('web', 'Stalled');
      expect(stalled.conditions.find((c) => c.type === 'Stalled')?.message).toContain(`web.yaml:${String(broken.line)}:`);
    }
    expect((await service(k, 'web')).Version.Index).toBe(before.Version.Index);
    expect(k.swarm.writes).toEqual(writes);
  });

  it('recreates a config removed while Kargo was away, and sets back a service whose configs were edited out of band', async () => {
    const k = await startWeb();
    const name = configNames((await service(k, 'web')).Spec)[0] ?? '';

    // Out of band, while Kargo runs: the service loses its config; the event brings Kargo back to it.
    const web = await service(k, 'web');
    await swarm.modifyService(web.ID, (live) => ({ ...live.Spec, TaskTemplate: { ...live.Spec.TaskTemplate, ContainerSpec: { ...live.Spec.TaskTemplate?.ContainerSpec, Configs: [] } } }));
    await waitFor('the config list set back', async () => (configNames((await service(k, 'web')).Spec)[0] === name ? true : undefined), { timeoutMs: 60_000 });
    await k.waitForCondition('web', 'Ready');

    // Kargo away: the config is taken off the service and removed. Back, Kargo recreates it.
    await k.runtime?.stop();
    const current = await service(k, 'web');
    await swarm.modifyService(current.ID, (live) => ({ ...live.Spec, TaskTemplate: { ...live.Spec.TaskTemplate, ContainerSpec: { ...live.Spec.TaskTemplate?.ContainerSpec, Configs: [] } } }));
    const [config] = await swarm.listFileObjects('config', { name: [name] });
    await waitFor('the out-of-band removal', () => swarm.removeFileObject('config', config?.ID ?? '').then(() => true, () => undefined));
    await k.start();
    await waitFor('the config recreated and mounted', async () => (configNames((await service(k, 'web')).Spec)[0] === name && (await ownedNames(k, 'config')).includes(name) ? true : undefined), { timeoutMs: 60_000 });
    await k.waitForCondition('web', 'Ready');
    expect(await readInTask(k, '/etc/app/app.conf')).toBe('version = 1\n');
  });
});
