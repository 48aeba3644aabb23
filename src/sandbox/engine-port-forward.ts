import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { once } from 'node:events';
import { ErrorCode, KargoError } from '../errors.js';
import type { EngineLayout } from './engine-teardown.js';

/** A loopback port on this machine that reaches a port inside a private engine's network namespace. */
export interface EnginePortForward {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The half that runs inside the engine's namespace: a unix socket (sockets on the filesystem cross
 * network namespaces) piped to `host:port` there. It exits when its parent is gone, so a killed
 * test leaves no forwarder behind.
 */
const insideScript = `
const net = require('node:net');
const [socketPath, host, port, parent] = process.argv.slice(1);
try { require('node:fs').unlinkSync(socketPath); } catch {}
const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), host);
  const end = () => { client.destroy(); upstream.destroy(); };
  for (const socket of [client, upstream]) { socket.on('error', end); socket.on('close', end); }
  client.pipe(upstream).pipe(client);
});
server.listen(socketPath, () => process.stdout.write('ready\\n'));
setInterval(() => { try { process.kill(Number(parent), 0); } catch { process.exit(0); } }, 1000);
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * Forwards 127.0.0.1:<free port> here to `target` inside the engine's network namespace, where
 * services publish their ports (publish mode `host`; the sandbox kernel has no IPVS, so ingress
 * ports and virtual IPs do not route). Only loopback addresses are involved on either side.
 */
export async function forwardIntoEngine(
  engine: EngineLayout,
  target: { readonly host?: string; readonly port: number },
  options: { readonly preferredLocalPort?: number } = {},
): Promise<EnginePortForward> {
  const socketPath = join(engine.stateDir, `forward-${randomBytes(4).toString('hex')}.sock`);
  const inside = spawn(
    'nsenter',
    [`--net=/run/netns/${engine.netns}`, process.execPath, '-e', insideScript, socketPath, target.host ?? '127.0.0.1', String(target.port), String(process.pid)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [ready] = (await Promise.race([once(inside.stdout, 'data'), once(inside, 'exit')])) as unknown[];
  if (!Buffer.isBuffer(ready)) {
    throw new KargoError(ErrorCode.SandboxEngineFailed, `could not forward a port into the engine's namespace ${engine.netns}`);
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(socketPath);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', end);
      socket.on('close', () => {
        sockets.delete(socket);
        end();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await listenOnLoopback(server, options.preferredLocalPort);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      inside.kill('SIGTERM');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Listens on `preferred` when it is free (a URL that stays the same from run to run), else on any free port. */
async function listenOnLoopback(server: Server, preferred: number | undefined): Promise<void> {
  const listen = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const failed = (): void => {
        server.off('listening', listening);
        resolve(false);
      };
      const listening = (): void => {
        server.off('error', failed);
        resolve(true);
      };
      server.once('error', failed);
      server.once('listening', listening);
      server.listen(port, '127.0.0.1');
    });
  if (preferred !== undefined && (await listen(preferred))) return;
  if (!(await listen(0))) throw new KargoError(ErrorCode.SandboxEngineFailed, 'could not listen on any loopback port to forward into the engine');
}
