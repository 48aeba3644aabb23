import type { ListFilters, NetworkCreateRequest, NetworkResource, Service, ServiceSpec, Task } from '../core/swarm/engine-api.js';

/** The Swarm calls the reconciler makes: SwarmClient implements them; tests use the real engine. */
export interface SwarmPort {
  listServices(filters?: ListFilters, withStatus?: boolean): Promise<Service[]>;
  createService(spec: ServiceSpec): Promise<string>;
  modifyService(id: string, edit: (service: Service) => ServiceSpec): Promise<void>;
  removeService(id: string): Promise<void>;
  listNetworks(filters?: ListFilters): Promise<NetworkResource[]>;
  inspectNetwork(id: string): Promise<NetworkResource>;
  createNetwork(spec: NetworkCreateRequest): Promise<string>;
  removeNetwork(id: string): Promise<void>;
  listTasks(filters?: ListFilters): Promise<Task[]>;
}
