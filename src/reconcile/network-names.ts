import { networkOwnerKey } from '../core/diff/plan-networks.js';
import { predefinedNetworks } from '../core/render/network-attachments.js';
import { isManagedByKargo } from '../core/render/ownership.js';
import type { Service, ServiceSpec } from '../core/swarm/engine-api.js';
import type { SwarmPort } from './swarm-port.js';

/**
 * Network ids and names, both ways: Swarm stores network ids in service specs (the diff reads
 * them back as names), and a write that names its networks by id spares the engine two lookups
 * per write. Networks change rarely, so the list is read again only when an id or a name is not
 * known yet, or after a write failed.
 */
export class NetworkNames {
  private names = new Map<string, string>();
  /** Name → id; undefined for a name several networks hold (the engine must say which it means). */
  private ids = new Map<string, string | undefined>();
  /** Name → the Network key of a network Kargo made (ownership labels), for the networks it lists. */
  private owners = new Map<string, string>();
  /** A listing under way: workers that need one at the same moment share it. */
  private listing: Promise<void> | undefined;

  constructor(private readonly swarm: Pick<SwarmPort, 'listNetworks' | 'inspectNetwork'>) {}

  /**
   * Network id → name, covering every network the services are attached to. An id the list
   * does not show is looked up on its own: Swarm's predefined networks (`host`) stand in specs
   * under swarm ids of their own, and a spec read back with an id never mapped to its name would
   * differ from the manifest for ever (one write after another).
   */
  async resolve(services: readonly Service[]): Promise<ReadonlyMap<string, string>> {
    const targets = services.flatMap((service) => (service.Spec.TaskTemplate?.Networks ?? []).map((network) => network.Target ?? ''));
    const unknown = (): string[] => [...new Set(targets.filter((target) => target !== '' && !this.knows(target)))];
    if (unknown().length > 0) await this.refresh();
    await Promise.all(
      unknown().map(async (id) => {
        const network = await this.swarm.inspectNetwork(id).catch(() => undefined);
        if (network !== undefined) this.names.set(id, network.Name);
      }),
    );
    return this.names;
  }

  /**
   * Whether the network of this name is there for the Network `key` (listing the networks again
   * when the name is not known yet): missing, Kargo's for that key, or someone else's.
   */
  async stateOf(name: string, key: string): Promise<'missing' | 'ours' | 'foreign'> {
    if (!this.ids.has(name)) await this.refresh();
    if (!this.ids.has(name)) return 'missing';
    return this.owners.get(name) === key ? 'ours' : 'foreign';
  }

  /**
   * The spec with each network it attaches to given by id. A name no network holds (or several
   * do) stays a name, for the engine to report.
   */
  async withNetworkIds(spec: ServiceSpec): Promise<ServiceSpec> {
    const attachments = spec.TaskTemplate?.Networks;
    if (spec.TaskTemplate === undefined || attachments === undefined || attachments.length === 0) return spec;
    if (attachments.some((attachment) => !this.knows(attachment.Target ?? ''))) await this.refresh();
    const Networks = attachments.map((attachment) => {
      // A predefined network goes by name: its local id is not the one Swarm knows it by.
      const id = attachment.Target === undefined || predefinedNetworks.includes(attachment.Target) ? undefined : this.ids.get(attachment.Target);
      return id === undefined ? attachment : { ...attachment, Target: id };
    });
    return { ...spec, TaskTemplate: { ...spec.TaskTemplate, Networks } };
  }

  /** Lists the networks now if none is known yet, ahead of the writes that will need them (a failure is left to those). */
  prefetch(): void {
    if (this.names.size === 0) this.refresh().catch(() => undefined);
  }

  /** Drops what was listed: a write failed, and a network may have been replaced since. */
  forget(): void {
    this.names = new Map();
    this.ids = new Map();
    this.owners = new Map();
  }

  private knows(target: string): boolean {
    return this.names.has(target) || this.ids.has(target);
  }

  private async refresh(): Promise<void> {
    this.listing ??= this.swarm
      .listNetworks()
      .then((networks) => {
        this.names = new Map(networks.map((network) => [network.Id, network.Name]));
        this.ids = new Map();
        this.owners = new Map(networks.flatMap((network) => (isManagedByKargo(network.Labels ?? undefined) ? [[network.Name, networkOwnerKey(network)] as const] : [])));
        for (const network of networks) this.ids.set(network.Name, this.ids.has(network.Name) ? undefined : network.Id);
      })
      .finally(() => {
        this.listing = undefined;
      });
    await this.listing;
  }
}
