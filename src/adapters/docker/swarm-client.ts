import type Docker from 'dockerode';
import type { EngineInfo, Node, Service, ServiceSpec, Task } from '../../core/swarm/engine-api.js';
import { connectDocker } from './docker-host.js';

/** Filters of the Engine API's list endpoints, e.g. `{ label: ['io.kargo.managed-by=kargo'] }`. */
export type ListFilters = Record<string, string[]>;

/**
 * Kargo's port to the Docker Engine's Swarm API: the few calls it makes, typed with the
 * Engine API's own shapes. dockerode does the HTTP; this class only gives its answers types.
 */
export class SwarmClient {
  constructor(readonly docker: Docker) {}

  /** A client for a DOCKER_HOST-style address. */
  static connect(dockerHost?: string): SwarmClient {
    return new SwarmClient(connectDocker(dockerHost));
  }

  async info(): Promise<EngineInfo> {
    return (await this.docker.info()) as EngineInfo;
  }

  async listNodes(): Promise<Node[]> {
    return (await this.docker.listNodes()) as Node[];
  }

  async listServices(filters: ListFilters = {}): Promise<Service[]> {
    return (await this.docker.listServices({ filters })) as unknown as Service[];
  }

  async inspectService(id: string): Promise<Service> {
    return (await this.docker.getService(id).inspect()) as Service;
  }

  /** Creates a service and returns its id. */
  async createService(spec: ServiceSpec): Promise<string> {
    const created = (await this.docker.createService(spec as Docker.CreateServiceOptions)) as unknown as { id: string };
    return created.id;
  }

  /** Replaces the spec of the service at `version` (its version index when read). */
  async updateService(id: string, version: number, spec: ServiceSpec): Promise<void> {
    await this.docker.getService(id).update({ ...spec, version });
  }

  async removeService(id: string): Promise<void> {
    await this.docker.getService(id).remove();
  }

  async listTasks(filters: ListFilters = {}): Promise<Task[]> {
    return (await this.docker.listTasks({ filters })) as Task[];
  }
}
