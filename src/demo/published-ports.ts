import type { EngineLayout } from '../sandbox/engine-teardown.js';
import { forwardIntoEngine, type EnginePortForward } from '../sandbox/engine-port-forward.js';

/**
 * The demo's way to the ports its services publish. They publish inside the private engine's
 * network namespace, which nothing on this machine reaches, so each port gets one loopback
 * forwarder, shared by Kargo's OGC probes and the URLs the demo prints. A forwarder listens on the
 * published port's own number when it is free, so the printed URLs stay the same from run to run.
 */
export class PublishedPorts {
  private readonly forwards = new Map<number, Promise<EnginePortForward>>();
  private closed = false;

  constructor(private readonly engine: EngineLayout) {}

  /** `http://127.0.0.1:<local port>` reaching `port` in the engine (RuntimeOptions.reachPublishedPort). */
  readonly origin = async (port: number): Promise<string> => {
    if (this.closed) throw new Error('the demo is stopping: its forwarders are closed');
    let forward = this.forwards.get(port);
    if (forward === undefined) {
      forward = forwardIntoEngine(this.engine, { port }, { preferredLocalPort: port });
      this.forwards.set(port, forward);
      // A failed start is tried again at the next request rather than remembered.
      forward.catch(() => this.forwards.delete(port));
    }
    return (await forward).url;
  };

  async close(): Promise<void> {
    this.closed = true;
    const forwards = [...this.forwards.values()];
    this.forwards.clear();
    await Promise.all(forwards.map(async (forward) => (await forward.catch(() => undefined))?.close()));
  }
}
