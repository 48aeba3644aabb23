// Generated from crds/geojob.yaml by `npm run generate`. Do not edit: change the CRD instead.
import type { ConfigFileSpec, EnvironmentSpec, NetworkAttachmentSpec, PlacementSpec, ResourcesSpec, SecretFileSpec, VolumeSpec } from './geoservice.generated.js';

/** A job Kargo runs to completion as Swarm replicated-job services, on a schedule or once per spec. */
export type GeoJob = {
  /** Always kargo.io/v1alpha1. */
  apiVersion: 'kargo.io/v1alpha1';
  /** Always GeoJob. */
  kind: 'GeoJob';
  /** Identity of the job. Each run is a Swarm service named <namespace>_<name>-<slot>, so <namespace>_<name> may be at most 47 characters. */
  metadata: GeoJobMetadata;
  /** What each run executes (the container fields of a GeoService), and when and how runs happen. */
  spec: GeoJobSpec;
};

/** What each run executes (the container fields of a GeoService), and when and how runs happen. */
export type GeoJobSpec = {
  /** Image reference, e.g. docker.osgeo.org/geoserver:2.25.2. */
  image: string;
  /** Replaces the image's entrypoint. */
  command?: string[];
  /** Replaces the image's command (the entrypoint's arguments). */
  args?: string[];
  /** Environment variables: a map of NAME to value, or a list of {name, value}. Values may be strings, numbers or booleans. */
  env?: EnvironmentSpec;
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
  /** Cron schedule: 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, e.g. "0 *\/15 * * * *". Without it the job runs once per spec: again only when the spec changes (a seeder, a migration). */
  schedule?: string;
  /** IANA time zone the schedule is read in, e.g. Europe/Paris (default UTC). */
  timeZone?: string;
  /** When a run is due while another is active: Forbid (default) skips the new one, Replace removes the active run and starts the new one, Allow runs both. */
  concurrencyPolicy?: 'Forbid' | 'Replace' | 'Allow';
  /** A run still active this long after it started is removed and counts as failed, e.g. 30m. */
  activeDeadline?: string;
  /** How late a scheduled run may still start (a slot missed while Kargo was down, or skipped for lack of time); past it the slot is missed. Default: the latest missed slot always runs once. */
  startingDeadline?: string;
  /** Tasks that must exit 0 for a run to succeed (default 1). */
  completions?: number;
  /** Tasks of a run at once (default 1). */
  parallelism?: number;
  /** Finished runs kept (their services, with logs and results); older ones are removed. The latest run is always kept, so that a restarted Kargo knows the last slot. */
  historyLimit?: JobHistoryLimitSpec;
  /** When true, no new run starts (an active run finishes) and Kargo removes nothing of the job until false again. */
  suspend?: boolean;
  /** GeoServices that must be Ready before a run starts (scheduled, per spec or asked for: it waits, and starts once they are), by metadata.name in this namespace or as namespace/name (e.g. [postgis]). Each must have a manifest; a GeoJob cannot be a dependency. */
  dependsOn?: string[];
};

/** Finished runs kept (their services, with logs and results); older ones are removed. The latest run is always kept, so that a restarted Kargo knows the last slot. */
export type JobHistoryLimitSpec = {
  /** Succeeded runs kept (default 3). */
  succeeded?: number;
  /** Failed runs kept (default 1). */
  failed?: number;
};

/** Identity of the job. Each run is a Swarm service named <namespace>_<name>-<slot>, so <namespace>_<name> may be at most 47 characters. */
export type GeoJobMetadata = {
  /** Lower-case letters, digits and '-', starting and ending with a letter or digit. */
  name: string;
  /** The stack namespace (com.docker.stack.namespace); default "default". */
  namespace?: string;
  /** Free-form labels of the manifest; not copied to Swarm (use spec.labels). */
  labels?: Record<string, string>;
  /** Free-form annotations of the manifest; not copied to Swarm. */
  annotations?: Record<string, string>;
};

export type { GeoJob as default };
