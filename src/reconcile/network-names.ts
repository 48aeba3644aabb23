import type { Service } from '../core/swarm/engine-api.js';
import type { SwarmPort } from './swarm-port.js';

/**
 * Network id → name, as Swarm stores network ids in service specs. Networks change rarely, so
 * the list is read again only when a service names an id not seen yet.
 */
export class NetworkNames {
  private names = new Map<string, string>();
  /** A listing under way: workers that need one at the same moment share it. */
  private listing: Promise<void> | undefined;

  constructor(private readonly swarm: Pick<SwarmPort, 'listNetworks'>) {}

  async resolve(services: readonly Service[]): Promise<ReadonlyMap<string, string>> {
    const ids = services.flatMap((service) => (service.Spec.TaskTemplate?.Networks ?? []).map((network) => network.Target ?? ''));
    if (ids.some((id) => id !== '' && !this.names.has(id) && ![...this.names.values()].includes(id))) {
      this.listing ??= this.swarm
        .listNetworks()
        .then((networks) => {
          this.names = new Map(networks.map((network) => [network.Id, network.Name]));
        })
        .finally(() => {
          this.listing = undefined;
        });
      await this.listing;
    }
    return this.names;
  }
}
