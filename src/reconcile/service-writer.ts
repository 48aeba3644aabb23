import type { ServiceSpec } from '../core/swarm/engine-api.js';
import type { NetworkNames } from './network-names.js';
import type { SwarmPort } from './swarm-port.js';

/**
 * Sends creates and updates with the networks given by id. A failed write may come from a
 * network replaced since it was listed, so the listing is dropped and the retry lists again.
 */
export class ServiceWriter {
  constructor(
    private readonly swarm: SwarmPort,
    private readonly networks: NetworkNames,
  ) {}

  async create(spec: ServiceSpec): Promise<string> {
    return this.guarded(async () => this.swarm.createService(await this.networks.withNetworkIds(spec)));
  }

  async update(id: string, spec: ServiceSpec): Promise<void> {
    const sent = await this.networks.withNetworkIds(spec);
    await this.guarded(() => this.swarm.modifyService(id, () => sent));
  }

  private async guarded<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      this.networks.forget();
      throw error;
    }
  }
}
