import Docker from 'dockerode';
import { ErrorCode, KargoError } from '../../errors.js';

/** The engine Kargo talks to when DOCKER_HOST is not set. */
export const defaultDockerHost = 'unix:///var/run/docker.sock';

/**
 * A dockerode client for a DOCKER_HOST-style address: `unix:///path/docker.sock`,
 * `tcp://host:port` or `http://host:port`.
 */
export function connectDocker(dockerHost: string = defaultDockerHost): Docker {
  if (dockerHost.startsWith('unix://')) return new Docker({ socketPath: dockerHost.slice('unix://'.length) });
  const match = /^(?:tcp|http):\/\/([^:/]+):(\d+)\/?$/.exec(dockerHost);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return new Docker({ host: match[1], port: Number(match[2]), protocol: 'http' });
  }
  throw new KargoError(
    ErrorCode.Usage,
    `DOCKER_HOST "${dockerHost}" is not understood: use unix:///path/to/docker.sock or tcp://host:port`,
  );
}
