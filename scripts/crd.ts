import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { SchemaNode } from './crd-codegen.js';

/** One kind's CRD and the files `npm run generate` derives from it. */
export interface CrdSource {
  readonly kind: string;
  readonly crdPath: string;
  /** Stem of the generated files: src/core/manifest/<stem>.generated.ts, crds/<stem>.schema.json, … */
  readonly stem: string;
  /** Type names for the schema paths that deserve one; everything else is written inline. */
  readonly namedTypes: Readonly<Record<string, string>>;
  /** Paths whose schema is the same definition as another path's (YAML aliases in the CRD). */
  readonly sameTypeAs: Readonly<Record<string, string>>;
  /** The README section of its field reference. */
  readonly readmeSection: string;
}

export const geoServiceCrd: CrdSource = {
  kind: 'GeoService',
  crdPath: 'crds/geoservice.yaml',
  stem: 'geoservice',
  namedTypes: {
    '': 'GeoService',
    metadata: 'GeoServiceMetadata',
    spec: 'GeoServiceSpec',
    'spec.env': 'EnvironmentSpec',
    'spec.env[]': 'EnvVarSpec',
    'spec.ports[]': 'PortSpec',
    'spec.networks[]': 'NetworkAttachmentSpec',
    'spec.volumes[]': 'VolumeSpec',
    'spec.configs[]': 'ConfigFileSpec',
    'spec.secrets[]': 'SecretFileSpec',
    'spec.resources': 'ResourcesSpec',
    'spec.resources.limits': 'ResourceAmountsSpec',
    'spec.placement': 'PlacementSpec',
    'spec.healthCheck': 'HealthCheckSpec',
    'spec.update': 'UpdatePolicySpec',
    'spec.restart': 'RestartPolicySpec',
  },
  sameTypeAs: {
    'spec.rollback': 'spec.update',
    'spec.resources.reservations': 'spec.resources.limits',
  },
  readmeSection: 'manifest-reference',
};

export const networkCrd: CrdSource = {
  kind: 'Network',
  crdPath: 'crds/network.yaml',
  stem: 'network',
  namedTypes: { '': 'Network', metadata: 'NetworkMetadata', spec: 'NetworkSpec', 'spec.ipam': 'IpamSpec' },
  sameTypeAs: {},
  readmeSection: 'network-reference',
};

/** Every kind Kargo reads from manifests. */
export const crdSources: readonly CrdSource[] = [geoServiceCrd, networkCrd];

/** A CRD's openAPIV3Schema: the one definition of what a manifest of its kind may say. */
export function readCrdSchema(source: CrdSource = geoServiceCrd): SchemaNode {
  const crd = parse(readFileSync(source.crdPath, 'utf8')) as {
    spec: { versions: { schema: { openAPIV3Schema: SchemaNode } }[] };
  };
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  if (schema === undefined) throw new Error(`${source.crdPath} has no openAPIV3Schema`);
  return schema;
}
