import type { GeoJob } from './geojob.generated.js';
import type { GeoService } from './geoservice.generated.js';
import type { Network } from './network.generated.js';
import type { LoadedManifest } from './manifest-set.js';
import type { ObjectKind } from '../object-key.js';
import { checkGeoService, checkNetwork, type SemanticIssue } from './semantic-rules.js';
import { checkGeoJob, workloadOf } from './geojob-rules.js';
import { checkPolicy } from '../policy/policy-rules.js';
import type { PolicyContext } from '../policy/policy.js';

type Namespaced<T extends { metadata: { namespace?: string } }> = T & { metadata: { namespace: string } };

/** A schema-valid document that also keeps its kind's rules and the policy, as the kind reads it. */
export type CheckedResource =
  | { readonly kind: 'Network'; readonly resource: Namespaced<Network> }
  /** A GeoService is its own workload; a GeoJob's is the GeoService-shaped view of its container fields. */
  | { readonly kind: 'GeoService'; readonly workload: LoadedManifest['resource'] }
  | { readonly kind: 'GeoJob'; readonly resource: Namespaced<GeoJob>; readonly workload: LoadedManifest['resource'] };

/** The semantic rules and the policy of one schema-valid document of `kind`: what it is, or every rule it breaks. */
export function checkResource(kind: ObjectKind, record: Record<string, unknown>, namespace: string, policy: PolicyContext): CheckedResource | { readonly issues: SemanticIssue[] } {
  const orIssues = <T>(issues: SemanticIssue[], checked: T): T | { issues: SemanticIssue[] } => (issues.length > 0 ? { issues } : checked);
  switch (kind) {
    case 'Network': {
      const resource = withNamespace(record as unknown as Network, namespace);
      return orIssues([...checkNetwork(resource), ...checkPolicy(kind, resource, namespace, policy)], { kind, resource });
    }
    case 'GeoService': {
      const workload = withNamespace(record as unknown as GeoService, namespace);
      return orIssues([...checkGeoService(workload, namespace), ...checkPolicy(kind, workload, namespace, policy)], { kind, workload });
    }
    case 'GeoJob': {
      const resource = withNamespace(record as unknown as GeoJob, namespace);
      const workload = workloadOf(resource);
      return orIssues([...checkGeoJob(resource, namespace, workload), ...checkPolicy(kind, resource, namespace, policy)], { kind, resource, workload });
    }
  }
}

function withNamespace<T extends { metadata: { namespace?: string } }>(resource: T, namespace: string): Namespaced<T> {
  return { ...resource, metadata: { ...resource.metadata, namespace } };
}
