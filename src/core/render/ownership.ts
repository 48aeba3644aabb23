/** The labels by which Kargo knows the services it owns (see the design notes, "Ownership and safety"). */
export const ownershipLabels = {
  managedBy: 'io.kargo.managed-by',
  geoService: 'io.kargo.geoservice',
  /** On a GeoJob's run service (and its configs and secrets): the GeoJob (`namespace/name`). */
  geoJob: 'io.kargo.geojob',
  /** On a run service: the slot it runs, an ISO time, `spec-<hash>` (once per spec) or `manual-<ISO time>`. */
  runSlot: 'io.kargo.run-slot',
  /** On a network: the Network (`namespace/name`) it was created for. */
  network: 'io.kargo.network',
  specHash: 'io.kargo.spec-hash',
  revision: 'io.kargo.revision',
  /** The manifest file, relative to the manifests root: lets an unparseable file still protect its services. */
  source: 'io.kargo.source',
  /**
   * The spec hash of a rollout Swarm rolled back, written once Kargo sees the rollback complete:
   * Swarm's rollback drops PreviousSpec, so after a restart this is all that says which spec failed.
   */
  rolledBack: 'io.kargo.rolled-back',
  stackNamespace: 'com.docker.stack.namespace',
  /** On a config or secret: sha256 of the repository's bytes (for a secret, of the encrypted file). */
  contentDigest: 'io.kargo.content-digest',
} as const;

export const managedByKargo = 'kargo';

/** Labels that say where a spec came from rather than what it is: never a reason to update. */
export const provenanceLabels: readonly string[] = [ownershipLabels.specHash, ownershipLabels.revision, ownershipLabels.source, ownershipLabels.rolledBack];

/** The manifest annotation by which a GeoService opts in to taking over a service Kargo did not create. */
export const adoptAnnotation = 'kargo.io/adopt';

/** Whether a service's labels say Kargo manages it. */
export function isManagedByKargo(labels: Readonly<Record<string, string>> | undefined): boolean {
  return labels?.[ownershipLabels.managedBy] === managedByKargo;
}
