import type { FileObjectKind } from '../core/manifest/file-references.js';
import type { FileObject, FileObjectSpec, ListFilters, NetworkCreateRequest, NetworkResource, Service, ServiceSpec, Task } from '../core/swarm/engine-api.js';

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
  /** A container's last health check outputs, if it is on this node. */
  containerHealthLog(containerId: string): Promise<string[] | undefined>;
  /** Configs or secrets (`kind`); a secret's data never comes back. */
  listFileObjects(kind: FileObjectKind, filters?: ListFilters): Promise<FileObject[]>;
  createFileObject(kind: FileObjectKind, spec: FileObjectSpec): Promise<string>;
  removeFileObject(kind: FileObjectKind, id: string): Promise<void>;
}
