import type { LoadedNetwork } from '../manifest/manifest-set.js';
import { optionalField as optional } from '../optional-field.js';
import type { NetworkCreateRequest } from '../swarm/engine-api.js';
import { sortKeys } from './canonical-json.js';
import { managedByKargo, ownershipLabels } from './ownership.js';
import { specHash } from './render-service-spec.js';

type NetworkResource = LoadedNetwork['resource'];

/** The overlay spans the swarm's nodes: what a stack's network is unless it says otherwise. */
export const defaultNetworkDriver = 'overlay';

/** Where a Network was read: the revision, and its file relative to the manifests root (none for a namespace's implicit default network). */
export interface NetworkRenderContext {
  readonly revision: string;
  readonly sourceFile?: string;
}

/**
 * The `POST /networks/create` body of a Network: `<namespace>_<name>`, an overlay unless the
 * manifest names another driver, Kargo's ownership labels on top. Deterministic, like a service's
 * spec: the same manifest renders the same body and the same `io.kargo.spec-hash`.
 */
export function renderNetworkSpec(resource: NetworkResource, context: NetworkRenderContext): NetworkCreateRequest {
  const { namespace, name } = resource.metadata;
  const spec = resource.spec ?? {};
  const options = { ...spec.driverOpts, ...(spec.encrypted === true ? { encrypted: '' } : {}) };
  const ipam = spec.ipam;
  const unhashed: NetworkCreateRequest = {
    Name: `${namespace}_${name}`,
    Driver: spec.driver ?? defaultNetworkDriver,
    Scope: 'swarm',
    ...optional('Attachable', spec.attachable === true ? true : undefined),
    ...optional('Internal', spec.internal === true ? true : undefined),
    Labels: sortKeys({
      ...spec.labels,
      [ownershipLabels.managedBy]: managedByKargo,
      [ownershipLabels.network]: `${namespace}/${name}`,
      [ownershipLabels.stackNamespace]: namespace,
    }),
    ...optional('Options', Object.keys(options).length > 0 ? sortKeys(options) : undefined),
    ...optional(
      'IPAM',
      ipam === undefined
        ? undefined
        : {
            Driver: ipam.driver ?? 'default',
            ...optional('Config', ipam.config?.map((config) => ({ Subnet: config.subnet, ...optional('Gateway', config.gateway), ...optional('IPRange', config.ipRange) }))),
          },
    ),
  };
  return {
    ...unhashed,
    Labels: sortKeys({
      ...unhashed.Labels,
      [ownershipLabels.specHash]: specHash(unhashed),
      [ownershipLabels.revision]: context.revision,
      ...optional(ownershipLabels.source, context.sourceFile),
    }),
  };
}

/** The Network a namespace's GeoServices join when they name none: `<namespace>_default`, a plain overlay. */
export function implicitDefaultNetwork(namespace: string): NetworkResource {
  return { apiVersion: 'kargo.io/v1alpha1', kind: 'Network', metadata: { name: 'default', namespace } };
}
