/**
 * The parts of the Docker Engine API (v1.41 and newer) that Kargo reads and writes, typed from
 * the API reference rather than from dockerode's loose typings. Field names are the API's own.
 */

export interface ContainerSpec {
  Image?: string;
  Labels?: Record<string, string>;
  Command?: string[];
  Args?: string[];
  Hostname?: string;
  Env?: string[];
  Dir?: string;
  User?: string;
  Mounts?: Mount[];
  StopGracePeriod?: number;
  StopSignal?: string;
  Healthcheck?: HealthConfig;
  Isolation?: string;
  Init?: boolean;
  Configs?: ConfigReference[];
  Secrets?: SecretReference[];
}

/** Where a config or secret is mounted in the container, and as whom. */
export interface FileTarget {
  Name: string;
  UID?: string;
  GID?: string;
  Mode?: number;
}

/** A service's use of a Swarm config: the engine needs its id, the name is for people. */
export interface ConfigReference {
  File?: FileTarget;
  ConfigID?: string;
  ConfigName: string;
}

export interface SecretReference {
  File?: FileTarget;
  SecretID?: string;
  SecretName: string;
}

/** `POST /configs/create` and `POST /secrets/create`: Data is base64. Neither can change afterwards, but for labels. */
export interface FileObjectSpec {
  Name: string;
  Labels: Record<string, string>;
  Data: string;
}

/** A config or a secret as `GET /configs` and `GET /secrets` return it (a secret's data never comes back). */
export interface FileObject {
  ID: string;
  Version?: { Index: number };
  Spec: { Name: string; Labels?: Record<string, string> };
}

export interface Mount {
  Target?: string;
  Source?: string;
  Type?: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster';
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: Driver };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface Driver {
  Name?: string;
  Options?: Record<string, string>;
}

/** Durations are nanoseconds, as the API sends them. */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
}

export interface ResourceObject {
  NanoCPUs?: number;
  MemoryBytes?: number;
  GenericResources?: unknown[];
}

export interface Placement {
  Constraints?: string[];
  Preferences?: { Spread?: { SpreadDescriptor?: string } }[];
  MaxReplicas?: number;
  Platforms?: { Architecture?: string; OS?: string }[];
}

export interface RestartPolicy {
  Condition?: 'none' | 'on-failure' | 'any';
  Delay?: number;
  MaxAttempts?: number;
  Window?: number;
}

export interface NetworkAttachmentConfig {
  Target?: string;
  Aliases?: string[];
  DriverOpts?: Record<string, string>;
}

export interface TaskSpec {
  ContainerSpec?: ContainerSpec;
  Resources?: { Limits?: ResourceObject; Reservations?: ResourceObject };
  RestartPolicy?: RestartPolicy;
  Placement?: Placement;
  ForceUpdate?: number;
  Runtime?: string;
  Networks?: NetworkAttachmentConfig[];
  LogDriver?: Driver;
}

export interface UpdateConfig {
  Parallelism?: number;
  Delay?: number;
  FailureAction?: 'continue' | 'pause' | 'rollback';
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: 'stop-first' | 'start-first';
}

export interface PortConfig {
  Name?: string;
  Protocol?: 'tcp' | 'udp' | 'sctp';
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: 'ingress' | 'host';
}

export interface EndpointSpec {
  Mode?: 'vip' | 'dnsrr';
  Ports?: PortConfig[];
}

export interface ServiceMode {
  Replicated?: { Replicas?: number };
  Global?: Record<string, never>;
  /** A job (API 1.41+): tasks run to completion, MaxConcurrent at once, until TotalCompletions exited 0. */
  ReplicatedJob?: { MaxConcurrent?: number; TotalCompletions?: number };
}

export interface ServiceSpec {
  Name?: string;
  Labels?: Record<string, string>;
  TaskTemplate?: TaskSpec;
  Mode?: ServiceMode;
  UpdateConfig?: UpdateConfig;
  RollbackConfig?: UpdateConfig;
  EndpointSpec?: EndpointSpec;
}

export type UpdateState =
  | 'updating'
  | 'paused'
  | 'completed'
  | 'rollback_started'
  | 'rollback_paused'
  | 'rollback_completed';

export interface Service {
  ID: string;
  Version: { Index: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  Endpoint?: { Spec?: EndpointSpec; Ports?: PortConfig[] };
  UpdateStatus?: { State?: UpdateState; StartedAt?: string; CompletedAt?: string; Message?: string };
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number; CompletedTasks?: number };
}

export type TaskState =
  | 'new'
  | 'allocated'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'preparing'
  | 'ready'
  | 'starting'
  | 'running'
  | 'complete'
  | 'shutdown'
  | 'failed'
  | 'rejected'
  | 'remove'
  | 'orphaned';

export interface Task {
  ID: string;
  CreatedAt?: string;
  ServiceID?: string;
  NodeID?: string;
  Slot?: number;
  Spec?: TaskSpec;
  Status?: { Timestamp?: string; State?: TaskState; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
  DesiredState?: TaskState;
}

export interface Node {
  ID: string;
  Spec?: { Role?: 'worker' | 'manager'; Availability?: string; Labels?: Record<string, string> };
  Status?: { State?: 'unknown' | 'down' | 'ready' | 'disconnected'; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string };
}

/** The parts of `GET /info` Kargo looks at. */
export interface EngineInfo {
  ID: string;
  ServerVersion: string;
  DockerRootDir: string;
  Swarm: { LocalNodeState: 'inactive' | 'pending' | 'active' | 'error' | 'locked'; ControlAvailable: boolean; NodeID: string };
}

/** `POST /networks/create`: a network as Kargo asks for it (Swarm cannot change one afterwards). */
export interface NetworkCreateRequest {
  Name: string;
  Driver: string;
  Scope?: 'swarm';
  Attachable?: boolean;
  Internal?: boolean;
  Labels: Record<string, string>;
  Options?: Record<string, string>;
  IPAM?: { Driver?: string; Config?: IpamConfig[] };
}

export interface IpamConfig {
  Subnet?: string;
  Gateway?: string;
  IPRange?: string;
}

/** A network as `GET /networks` and `GET /networks/{id}` return it. */
export interface NetworkResource {
  Id: string;
  Name: string;
  Scope?: string;
  /** Empty for a swarm network the allocator has not filled in yet. */
  Driver?: string;
  Attachable?: boolean;
  Internal?: boolean;
  Ingress?: boolean;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  IPAM?: { Driver?: string; Config?: IpamConfig[] | null };
}

/** Filters of the Engine API's list endpoints, e.g. `{ label: ['io.kargo.managed-by=kargo'] }`. */
export type ListFilters = Record<string, string[]>;
