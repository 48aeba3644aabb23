import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SwarmClient, isOutOfSequence } from '../../src/adapters/docker/swarm-client.js';
import type { ServiceSpec } from '../../src/core/swarm/engine-api.js';
import { localImages } from '../../src/sandbox/local-images.js';
import { testSwarm, uniqueName } from '../support/swarm.js';

/**
 * A unix socket that forwards to the test engine and keeps the head (request line and headers)
 * of each request, to see what the client really sends.
 */
class RecordingProxy {
  /** Everything clients sent, one string per connection (connections are kept alive). */
  private readonly streams: string[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'kargo-proxy-'));
  readonly socketPath = join(this.dir, 'docker.sock');
  private readonly server: Server;

  constructor(engineSocket: string) {
    this.server = createServer((client) => {
      const engine = createConnection(engineSocket);
      const index = this.streams.push('') - 1;
      client.on('data', (chunk: Buffer) => {
        this.streams[index] = `${this.streams[index] ?? ''}${chunk.toString('latin1')}`;
        engine.write(chunk);
      });
      client.on('end', () => engine.end());
      engine.pipe(client);
      engine.on('error', () => client.destroy());
      client.on('error', () => engine.destroy());
    });
  }

  /** The heads (request line and headers) of every request so far. */
  get heads(): string[] {
    return this.streams.flatMap((stream) => [...stream.matchAll(/((?:GET|POST|PUT|DELETE|HEAD) \S+ HTTP\/1\.1\r\n[\s\S]*?)\r\n\r\n/g)].map((match) => match[1] ?? ''));
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socketPath, resolve));
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The head of the last request whose request line starts with `prefix`. */
  lastHead(prefix: string): string {
    const head = this.heads.filter((h) => h.startsWith(prefix)).at(-1);
    if (head === undefined) throw new Error(`no request ${prefix} went through the proxy (saw: ${this.heads.map((h) => h.split('\r\n')[0]).join('; ')})`);
    return head;
  }
}

const engineSocket = inject('dockerHost').replace(/^unix:\/\//, '');
const proxy = new RecordingProxy(engineSocket);
const swarm = testSwarm();
let proxied: SwarmClient;
const created: string[] = [];

const specNamed = (name: string, env: string): ServiceSpec => ({
  Name: name,
  Labels: { 'io.kargo.test': 'true' },
  TaskTemplate: { ContainerSpec: { Image: localImages.http.name, Env: [`SECRET_LOOKING=${env}`] } },
  Mode: { Replicated: { Replicas: 0 } },
});

beforeAll(async () => {
  await proxy.listen();
  proxied = SwarmClient.connect(`unix://${proxy.socketPath}`);
});

afterAll(async () => {
  for (const id of created) await swarm.removeService(id);
  await proxy.close();
});

describe('SwarmClient writes', () => {
  it('creates a service with the spec in the body and no registry credentials header', async () => {
    const name = uniqueName('client-create');
    const id = await proxied.createService(specNamed(name, 'from-create'));
    created.push(id);
    const head = proxy.lastHead('POST /services/create');
    expect(head.toLowerCase()).not.toContain('x-registry-auth');
    expect((await swarm.inspectService(id)).Spec.Name).toBe(name);
  });

  it('updates a service with only the version in the query string', async () => {
    const id = await proxied.createService(specNamed(uniqueName('client-update'), 'v1'));
    created.push(id);
    const service = await swarm.inspectService(id);
    await proxied.updateService(id, service.Version.Index, specNamed(service.Spec.Name ?? '', 'v2'));
    const requestLine = proxy.lastHead(`POST /services/${id}/update`).split('\r\n')[0];
    expect(requestLine).toBe(`POST /services/${id}/update?version=${String(service.Version.Index)} HTTP/1.1`);
    expect((await swarm.inspectService(id)).Spec.TaskTemplate?.ContainerSpec?.Env).toEqual(['SECRET_LOOKING=v2']);
  });

  it('reports an update at a stale version as out of sequence', async () => {
    const id = await proxied.createService(specNamed(uniqueName('client-stale'), 'v1'));
    created.push(id);
    const service = await swarm.inspectService(id);
    await proxied.updateService(id, service.Version.Index, specNamed(service.Spec.Name ?? '', 'v2'));
    const stale = await proxied.updateService(id, service.Version.Index, specNamed(service.Spec.Name ?? '', 'v3')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isOutOfSequence(stale)).toBe(true);
  });

  it('names the engine\'s reason when a create is refused', async () => {
    const name = uniqueName('client-conflict');
    created.push(await proxied.createService(specNamed(name, 'first')));
    await expect(proxied.createService(specNamed(name, 'second'))).rejects.toThrow(/\(HTTP code 409\).*rpc error: .*name conflicts with an existing object/);
  });
});
