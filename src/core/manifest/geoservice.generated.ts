// Generated from crds/geoservice.yaml by `npm run generate`. Do not edit: change the CRD instead.

/** A geospatial service that Kargo runs as one Docker Swarm service. */
export type GeoService = {
  /** Always kargo.io/v1alpha1. */
  apiVersion: 'kargo.io/v1alpha1';
  /** Always GeoService. */
  kind: 'GeoService';
  /** Identity of the service. The Swarm service is named <namespace>_<name>. */
  metadata: GeoServiceMetadata;
  /** What the service runs and how Swarm schedules and updates it. */
  spec: GeoServiceSpec;
};

/** What the service runs and how Swarm schedules and updates it. */
export type GeoServiceSpec = {
  /** Preset that supplies defaults for the server it names (container port, health check, data path); fields set in the manifest win. Default generic (no defaults). */
  engine?: 'generic' | 'geoserver' | 'mapserver' | 'mapcache' | 'tileserver-gl' | 'postgis' | 'krawler';
  /** Image reference, e.g. docker.osgeo.org/geoserver:2.25.2. */
  image: string;
  /** Replaces the image's entrypoint. */
  command?: string[];
  /** Replaces the image's command (the entrypoint's arguments). */
  args?: string[];
  /** Environment variables: a map of NAME to value, or a list of {name, value}. Values may be strings, numbers or booleans. */
  env?: EnvironmentSpec;
  /** Number of tasks in replicated mode (default 1). Not allowed with mode global. */
  replicas?: number;
  /** replicated (default) or global (one task per eligible node). */
  mode?: 'replicated' | 'global';
  /** Ports the service publishes. */
  ports?: PortSpec[];
  /** Networks to join. A name (or {name}) is a Network of this namespace, by its short name (default is the namespace's default network, which Kargo creates). {name, external: true} is a network Kargo does not manage, by its full name as written (e.g. traefik-public, or host). Without networks the service joins <namespace>_default. On every network but host, bridge and none the service answers to metadata.name, as in docker stack deploy. */
  networks?: NetworkAttachmentSpec[];
  /** Mounts. A bind needs an absolute source; a volume without source is anonymous; a tmpfs has none. */
  volumes?: VolumeSpec[];
  /** Files mounted from Swarm configs that Kargo creates from the repository: each config is named after a hash of its content, so a changed file rolls the service to a new config (the one the previous spec uses is kept for a rollback). */
  configs?: ConfigFileSpec[];
  /** Files mounted from Swarm secrets: an age-encrypted file of the repository that Kargo decrypts with its identity (--age-identity-file) and stores as a Swarm secret named after a hash of the encrypted file, or a Swarm secret created outside Kargo, which Kargo never changes or removes. */
  secrets?: SecretFileSpec[];
  /** CPU and memory limits (hard caps) and reservations (needed to schedule). */
  resources?: ResourcesSpec;
  /** Where tasks may run. */
  placement?: PlacementSpec;
  /** How Swarm checks a task's health: a command, or an HTTP path probed inside the container (with wget or curl, whichever the image has). Overrides the engine preset. */
  healthCheck?: HealthCheckSpec;
  /** OGC-aware health: the OGC service this GeoService offers and the layers it must serve. Kargo turns it into the task's health check (GetCapabilities holds the layers, a small GetMap, GetTile or GetFeature answers), so that Swarm's update monitor rolls back a version whose answers are broken, and probes the service itself from outside for the Available condition and the kargo_ogc_* metrics. Replaces healthCheck.command and healthCheck.httpPath; healthCheck's timings still apply. */
  ogc?: {
    /** The OGC service checked. */
    service: 'WMS' | 'WFS' | 'WCS' | 'WMTS';
    /** Path (and fixed query, e.g. ?map=/etc/mapserver/wms.map) of the OGC endpoint in the container; default the engine preset's (mapserver /cgi-bin/mapserv, mapcache /cgi-bin/mapcache/wmts, geoserver /geoserver/ows). */
    path?: string;
    /** Protocol version asked for and expected back; default WMS 1.3.0, WFS 2.0.0, WCS 2.0.1, WMTS 1.0.0. */
    version?: string;
    /** Layers (WMS), feature types (WFS), coverages (WCS) or tile layers (WMTS) that must be offered; the first ones are drawn by the sample request. Default: the first layer offered. */
    layers?: string[];
    /** WMS GetMap area as [minLon, minLat, maxLon, maxLat] in CRS:84; default the world. */
    bbox?: number[];
    /** Where Kargo probes from outside (e.g. the public URL behind a proxy). Default: the endpoint path on the service's first published port of the endpoint's port, at --ogc-host. Without either, Available follows the in-task check. */
    url?: string;
    /** How often Kargo probes from outside (default 30s). The in-task check follows healthCheck.interval. */
    interval?: string;
  };
  /** How Swarm rolls out a change (and, under rollback, how it rolls one back). */
  update?: UpdatePolicySpec;
  /** How Swarm rolls out a change (and, under rollback, how it rolls one back). */
  rollback?: UpdatePolicySpec;
  /** When Swarm restarts a task's container. */
  restart?: RestartPolicySpec;
  /** Labels of the Swarm service (io.kargo.* and com.docker.stack.* are Kargo's own). */
  labels?: Record<string, string>;
  /** Labels of the containers. */
  containerLabels?: Record<string, string>;
  /** A duration, e.g. 500ms, 30s, 2m, 1h30m. */
  stopGracePeriod?: string;
  /** Signal sent to ask the container to stop, e.g. SIGINT or SIGQUIT; SIGKILL follows after stopGracePeriod. Default the engine preset's, else the image's (usually SIGTERM). */
  stopSignal?: string;
  /** User (name or uid[:gid]) the container runs as. */
  user?: string;
  /** Working directory in the container. */
  workingDir?: string;
  /** When true, Kargo makes no change to this service (nor prunes it) until false again. */
  suspend?: boolean;
  /** GeoServices that must be Ready before Kargo creates or updates this one, by metadata.name in this namespace or as namespace/name (e.g. [postgis]). Each must have a manifest; a cycle is a manifest error. */
  dependsOn?: string[];
};

/** When Swarm restarts a task's container. */
export type RestartPolicySpec = {
  /** any (default), on-failure or none. */
  condition?: 'none' | 'on-failure' | 'any';
  /** A duration, e.g. 500ms, 30s, 2m, 1h30m. */
  delay?: string;
  /** Restarts before giving up; 0 means unlimited. */
  maxAttempts?: number;
  /** A duration, e.g. 500ms, 30s, 2m, 1h30m. */
  window?: string;
};

/** How Swarm rolls out a change (and, under rollback, how it rolls one back). */
export type UpdatePolicySpec = {
  /** Tasks changed at once (default 1); 0 means all at once. */
  parallelism?: number;
  /** A duration, e.g. 500ms, 30s, 2m, 1h30m. */
  delay?: string;
  /** stop-first (default) or start-first. */
  order?: 'stop-first' | 'start-first';
  /** pause (default for update), continue or rollback. */
  failureAction?: 'pause' | 'continue' | 'rollback';
  /** A duration, e.g. 500ms, 30s, 2m, 1h30m. */
  monitor?: string;
  /** Fraction of tasks that may fail before failureAction applies, 0 to 1. */
  maxFailureRatio?: number;
};

/** How Swarm checks a task's health: a command, or an HTTP path probed inside the container (with wget or curl, whichever the image has). Overrides the engine preset. */
export type HealthCheckSpec = {
  /** Command run in the container; exit 0 means healthy. A string runs through the shell. */
  command?: string | string[];
  /** Path probed over HTTP on localhost, e.g. /geoserver/web/. */
  httpPath?: string;
  /** Port of httpPath; default the engine's port or the first target port. */
  port?: number;
  /** A duration, e.g. 500ms, 30s, 2m, 1h30m. */
  interval?: string;
  /** A duration, e.g. 500ms, 30s, 2m, 1h30m. */
  timeout?: string;
  /** Consecutive failures before unhealthy. */
  retries?: number;
  /** A duration, e.g. 500ms, 30s, 2m, 1h30m. */
  startPeriod?: string;
  /** Turn off the image's or the preset's health check. */
  disable?: boolean;
};

/** Where tasks may run. */
export type PlacementSpec = {
  /** Swarm constraints, e.g. node.labels.geodata == true. */
  constraints?: string[];
  /** Spread preferences, e.g. {spread node.labels.zone}. */
  preferences?: {
    spread: string;
  }[];
  /** At most this many tasks of the service on one node. */
  maxReplicasPerNode?: number;
};

/** CPU and memory limits (hard caps) and reservations (needed to schedule). */
export type ResourcesSpec = {
  limits?: ResourceAmountsSpec;
  reservations?: ResourceAmountsSpec;
};

export type ResourceAmountsSpec = {
  /** CPUs, e.g. 0.5 or "2". */
  cpus?: number | string;
  /** Memory, e.g. 512M or 2G (binary units; a quoted number is bytes). */
  memory?: string;
};

export type SecretFileSpec = {
  /** An age-encrypted file (age CLI, binary or --armor) of the repository, relative to this manifest; never outside the manifests root. */
  file?: string;
  /** The name of a Swarm secret created outside Kargo (docker secret create). */
  external?: string;
  /** A file name under /run/secrets/, or an absolute path. Default the external name, or the file's name without .age. */
  target?: string;
  /** Owner of the file in the container (default "0"). */
  uid?: string;
  /** Owner of the file in the container (default "0"). */
  gid?: string;
  /** Permissions, octal, quoted (default "0444"). */
  mode?: string;
};

export type ConfigFileSpec = {
  /** A file of the repository, relative to this manifest; never outside the manifests root. At most 500 KiB. */
  file?: string;
  /** The file's content, written inline. At most 500 KiB. */
  content?: string;
  /** Absolute path of the file in the container. */
  target: string;
  /** Owner of the file in the container (default "0"). */
  uid?: string;
  /** Owner of the file in the container (default "0"). */
  gid?: string;
  /** Permissions, octal, quoted (default "0444"). */
  mode?: string;
};

export type VolumeSpec = {
  /** volume (named volume), bind (host path) or tmpfs. */
  type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name (used as written; the engine creates it on first use), or absolute host path for a bind. */
  source?: string;
  /** Absolute path in the container; default the engine preset's data path. */
  target?: string;
  /** Mount read-only (default false). */
  readOnly?: boolean;
  /** Size limit of a tmpfs, e.g. 64M. */
  size?: string;
};

export type NetworkAttachmentSpec = string | {
  name: string;
  /** The network exists outside Kargo (created by docker network create or another stack); Kargo never creates or removes it. */
  external?: boolean;
  /** More names the service answers to on this network (metadata.name always is one). */
  aliases?: string[];
};

export type PortSpec = {
  /** Port inside the container; default the engine preset's port. */
  target?: number;
  /** Port on the swarm (ingress) or the node (host). Omitted, Swarm picks one in ingress mode. */
  published?: number;
  /** tcp (default), udp or sctp. */
  protocol?: 'tcp' | 'udp' | 'sctp';
  /** ingress (default, routing mesh) or host (published on the node running the task). */
  mode?: 'ingress' | 'host';
};

/** Environment variables: a map of NAME to value, or a list of {name, value}. Values may be strings, numbers or booleans. */
export type EnvironmentSpec = Record<string, string | number | boolean> | EnvVarSpec[];

export type EnvVarSpec = {
  name: string;
  value: string | number | boolean;
};

/** Identity of the service. The Swarm service is named <namespace>_<name>. */
export type GeoServiceMetadata = {
  /** Lower-case letters, digits and '-', starting and ending with a letter or digit. */
  name: string;
  /** The stack namespace (com.docker.stack.namespace); default "default". */
  namespace?: string;
  /** Free-form labels of the manifest; not copied to Swarm (use spec.labels). */
  labels?: Record<string, string>;
  /** Free-form annotations of the manifest; not copied to Swarm. */
  annotations?: Record<string, string>;
};

export type { GeoService as default };
