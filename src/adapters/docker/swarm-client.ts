import type Docker from 'dockerode';
import type { LiveState } from '../../core/diff/plan-changes.js';
import type { FileObjectKind } from '../../core/manifest/file-references.js';
import type { EngineInfo, FileObject, FileObjectSpec, ListFilters, NetworkCreateRequest, NetworkResource, Node, Service, ServiceSpec, Task } from '../../core/swarm/engine-api.js';
import { ErrorCode, KargoError, describeError } from '../../errors.js';
import { connectDocker, defaultDockerHost } from './docker-host.js';

/**
 * Kargo's port to the Docker Engine's Swarm API: the few calls it makes, typed with the
 * Engine API's own shapes. dockerode does the HTTP; this class only gives its answers types.
 */
export class SwarmClient {
  /** Called after every request with the operation and the HTTP status code (or "error"). */
  onRequest: (operation: string, code: string) => void = () => undefined;

  constructor(
    readonly docker: Docker,
    /** Where the engine is, for messages. */
    readonly dockerHost = 'the Docker engine',
  ) {}

  /** A client for a DOCKER_HOST-style address. */
  static connect(dockerHost?: string): SwarmClient {
    return new SwarmClient(connectDocker(dockerHost), dockerHost ?? defaultDockerHost);
  }

  async info(): Promise<EngineInfo> {
    return (await this.call('info', () => this.docker.info())) as EngineInfo;
  }

  async listNodes(): Promise<Node[]> {
    return (await this.call('list_nodes', () => this.docker.listNodes())) as Node[];
  }

  /** Services matching `filters`; `withStatus` adds running and desired task counts (API 1.41). */
  async listServices(filters: ListFilters = {}, withStatus = false): Promise<Service[]> {
    const options = withStatus ? { filters, status: true } : { filters };
    return (await this.call('list_services', () => this.docker.listServices(options))) as unknown as Service[];
  }

  async inspectService(id: string): Promise<Service> {
    return (await this.call('inspect_service', () => this.docker.getService(id).inspect())) as Service;
  }

  /**
   * Creates a service and returns its id. Sent through the modem: dockerode's one-argument
   * `createService(spec)` also sends the whole spec as the X-Registry-Auth header, which the
   * engine then keeps with the service as its registry credentials.
   */
  async createService(spec: ServiceSpec): Promise<string> {
    const created = await this.call('create_service', () => this.write<{ ID: string }>({ path: '/services/create', options: { _body: spec } }));
    return created.ID;
  }

  /**
   * Replaces the spec of the service at `version` (its version index when read). Sent through
   * the modem: dockerode's `service.update(spec)` also copies every field of the spec into the
   * query string.
   */
  async updateService(id: string, version: number, spec: ServiceSpec): Promise<void> {
    await this.call('update_service', () => this.write({ path: `/services/${encodeURIComponent(id)}/update?`, options: { _query: { version }, _body: spec } }));
  }

  /**
   * Reads the service, edits its spec and writes it back at the version read. Swarm bumps the
   * version on its own (port allocation after a create, for one), so an "update out of
   * sequence" answer means: read again and retry.
   */
  async modifyService(id: string, edit: (service: Service) => ServiceSpec, attempts = 5): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const service = await this.inspectService(id);
      try {
        await this.updateService(id, service.Version.Index, edit(service));
        return;
      } catch (error) {
        if (attempt >= attempts || !isOutOfSequence(error)) throw error;
      }
    }
  }

  async removeService(id: string): Promise<void> {
    await this.call('remove_service', () => this.docker.getService(id).remove());
  }

  /** Networks matching `filters` (the name filter matches parts of names). */
  async listNetworks(filters: ListFilters = {}): Promise<NetworkResource[]> {
    return (await this.call('list_networks', () => this.docker.listNetworks({ filters }))) as NetworkResource[];
  }

  /**
   * One network by id or name. Swarm's predefined networks (host, bridge) stand in service specs
   * under swarm ids that the list of local networks does not show: only this finds their names.
   */
  async inspectNetwork(id: string): Promise<NetworkResource> {
    return (await this.call('inspect_network', () => this.docker.getNetwork(id).inspect())) as NetworkResource;
  }

  /** Creates a network and returns its id. */
  async createNetwork(spec: NetworkCreateRequest): Promise<string> {
    const created = await this.call('create_network', () => this.write<{ Id: string }>({ path: '/networks/create', options: { _body: spec } }));
    return created.Id;
  }

  async removeNetwork(id: string): Promise<void> {
    await this.call('remove_network', () => this.docker.getNetwork(id).remove());
  }

  async listTasks(filters: ListFilters = {}): Promise<Task[]> {
    return (await this.call('list_tasks', () => this.docker.listTasks({ filters }))) as Task[];
  }

  /**
   * The last health check outputs of a container of this node, oldest first; undefined when this
   * node does not have it (a task of another node, or one already pruned).
   */
  async containerHealthLog(containerId: string): Promise<string[] | undefined> {
    try {
      const inspected = (await this.call('inspect_container', () => this.docker.getContainer(containerId).inspect())) as { State?: { Health?: { Log?: { Output?: string }[] } } };
      return (inspected.State?.Health?.Log ?? []).map((entry) => entry.Output ?? '');
    } catch (error) {
      if ((error as { statusCode?: unknown }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async listFileObjects(kind: FileObjectKind, filters: ListFilters = {}): Promise<FileObject[]> {
    const list = (): Promise<unknown> => (kind === 'config' ? this.docker.listConfigs({ filters }) : this.docker.listSecrets({ filters }));
    return (await this.call(`list_${kind}s`, list)) as FileObject[];
  }

  /** Creates a config or secret and returns its id. The request body (a secret's value) is never part of an error. */
  async createFileObject(kind: FileObjectKind, spec: FileObjectSpec): Promise<string> {
    const created = await this.call(`create_${kind}`, () => this.write<{ ID: string }>({ path: `/${kind}s/create`, options: { _body: spec } }));
    return created.ID;
  }

  async removeFileObject(kind: FileObjectKind, id: string): Promise<void> {
    await this.call(`remove_${kind}`, () => (kind === 'config' ? this.docker.getConfig(id).remove() : this.docker.getSecret(id).remove()));
  }

  /** A service write through dockerode's modem; the engine's error message becomes the error's. */
  private write<T>(options: { path: string; options: { _query?: object; _body: unknown } }): Promise<T> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial({ ...options, method: 'POST', statusCodes: writeStatusCodes }, (error, data) => {
        if (error) reject(error);
        else resolve(data as T);
      });
    });
  }

  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      const result = await request();
      this.onRequest(operation, operation.startsWith('create') ? '201' : '200');
      return result;
    } catch (error) {
      const status = (error as { statusCode?: unknown }).statusCode;
      this.onRequest(operation, typeof status === 'number' ? String(status) : 'error');
      throw error;
    }
  }

  /**
   * Checks that the engine answers and is a swarm manager, with a one-line error that says what
   * to do when it is not.
   */
  async assertManager(): Promise<EngineInfo> {
    let info: EngineInfo;
    try {
      info = await this.info();
    } catch (error) {
      throw new KargoError(
        ErrorCode.EngineUnreachable,
        `cannot reach the Docker engine at ${this.dockerHost} (${describeError(error)}): start it, or set DOCKER_HOST to a swarm manager`,
      );
    }
    if (info.Swarm.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable) {
      throw new KargoError(
        ErrorCode.NotSwarmManager,
        `the engine at ${this.dockerHost} is not a swarm manager (swarm ${info.Swarm.LocalNodeState}): run \`docker swarm init\`, or point DOCKER_HOST at a manager`,
      );
    }
    return info;
  }

  /** Every service and network on the cluster. */
  async readLiveState(): Promise<LiveState & { networks: NetworkResource[] }> {
    const [services, networks] = await Promise.all([this.listServices(), this.listNetworks()]);
    return { services, networks, networkNames: new Map(networks.map((network) => [network.Id, network.Name])) };
  }
}

/**
 * The answers of a service write. docker-modem puts the engine's own message in the error for
 * any status; this table only names the status.
 */
const writeStatusCodes = {
  200: true,
  201: true,
  400: 'bad parameter',
  403: 'forbidden',
  404: 'no such service',
  409: 'name conflicts with an existing object',
  500: 'server error',
  503: 'node is not part of a swarm',
} as const;

/** Whether Swarm refused a write because the service changed since it was read. */
export function isOutOfSequence(error: unknown): boolean {
  return describeError(error).includes('update out of sequence');
}
