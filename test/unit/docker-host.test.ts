import { describe, expect, it } from 'vitest';
import { connectDocker } from '../../src/adapters/docker/docker-host.js';
import { ErrorCode } from '../../src/errors.js';

describe('connectDocker', () => {
  it.each([
    ['unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
    ['unix:///tmp/kargo-engines/ab/docker.sock', { socketPath: '/tmp/kargo-engines/ab/docker.sock' }],
    ['tcp://127.0.0.1:2375', { host: '127.0.0.1', port: 2375 }],
    ['http://localhost:2375/', { host: 'localhost', port: 2375 }],
  ])('connects to %s', (dockerHost, expected) => {
    const { modem } = connectDocker(dockerHost);
    expect(modem).toMatchObject(expected);
  });

  it.each(['ssh://user@host', 'tcp://host', '/var/run/docker.sock'])('rejects %s with a usage error', (dockerHost) => {
    expect(() => connectDocker(dockerHost)).toThrow(expect.objectContaining({ code: ErrorCode.Usage }));
  });
});
