/** How a test on this machine reaches a port a service publishes in host mode on the test swarm. */
import { inject } from 'vitest';
import { forwardIntoEngine, type EnginePortForward } from '../../src/sandbox/engine-port-forward.js';

/**
 * A loopback URL for `port`, published in host mode by a service of the test swarm. The private
 * engine publishes inside its own network namespace, so a forwarder bridges in from here; an
 * existing engine (KARGO_TEST_DOCKER_HOST) publishes on this machine, reached as it is.
 * Ingress ports and virtual IPs do not route in the sandbox (its kernel has no IPVS).
 */
export async function reachPublishedPort(port: number): Promise<EnginePortForward> {
  const layout = inject('engineLayout');
  if (layout === null) return { url: `http://127.0.0.1:${String(port)}`, port, close: () => Promise.resolve() };
  return forwardIntoEngine(layout, { port });
}
