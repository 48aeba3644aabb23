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
  /** Paths whose type is another kind's, imported from its generated module (fields taken with x-kargo-fields-from). */
  readonly importedTypes?: { readonly from: string; readonly types: Readonly<Record<string, string>> };
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

export const geoJobCrd: CrdSource = {
  kind: 'GeoJob',
  crdPath: 'crds/geojob.yaml',
  stem: 'geojob',
  namedTypes: { '': 'GeoJob', metadata: 'GeoJobMetadata', spec: 'GeoJobSpec', 'spec.historyLimit': 'JobHistoryLimitSpec' },
  sameTypeAs: {},
  readmeSection: 'geojob-reference',
  importedTypes: {
    from: './geoservice.generated.js',
    types: {
      'spec.env': 'EnvironmentSpec',
      'spec.networks[]': 'NetworkAttachmentSpec',
      'spec.volumes[]': 'VolumeSpec',
      'spec.configs[]': 'ConfigFileSpec',
      'spec.secrets[]': 'SecretFileSpec',
      'spec.resources': 'ResourcesSpec',
      'spec.placement': 'PlacementSpec',
    },
  },
};

/** Every kind Kargo reads from manifests. */
export const crdSources: readonly CrdSource[] = [geoServiceCrd, networkCrd, geoJobCrd];

/** A CRD's openAPIV3Schema: the one definition of what a manifest of its kind may say. */
export function readCrdSchema(source: CrdSource = geoServiceCrd): SchemaNode {
  const crd = parse(readFileSync(source.crdPath, 'utf8')) as {
    spec: { versions: { schema: { openAPIV3Schema: SchemaNode } }[] };
  };
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  if (schema === undefined) throw new Error(`${source.crdPath} has no openAPIV3Schema`);
  return withFieldsFrom(schema, source.crdPath);
}

/** Where a CRD takes fields of another kind's object: `x-kargo-fields-from: { crd, fields }` on that object. */
const fieldsFromKeyword = 'x-kargo-fields-from';

/**
 * The schema with every `x-kargo-fields-from` resolved: the fields it names are copied from the
 * same object of the other CRD (spec from spec), ahead of the object's own properties, and the
 * keyword is dropped. A GeoJob's container fields are thereby the GeoService's own definitions.
 */
function withFieldsFrom(node: SchemaNode, crdPath: string, path: readonly string[] = []): SchemaNode {
  const properties = Object.fromEntries(Object.entries(node.properties ?? {}).map(([key, child]) => [key, withFieldsFrom(child, crdPath, [...path, key])]));
  const { [fieldsFromKeyword]: from, ...rest } = node as SchemaNode & { [fieldsFromKeyword]?: { crd: string; fields: string[] } };
  if (from === undefined) return node.properties === undefined ? node : { ...rest, properties };
  const other = readCrdSchema({ ...geoServiceCrd, crdPath: from.crd });
  const source = path.reduce<SchemaNode | undefined>((at, key) => at?.properties?.[key], other);
  const taken = from.fields.map((field): [string, SchemaNode] => {
    const definition = source?.properties?.[field];
    if (definition === undefined) throw new Error(`${crdPath}: ${fieldsFromKeyword} names ${path.join('.')}.${field}, which ${from.crd} does not have`);
    return [field, definition];
  });
  return { ...rest, properties: { ...Object.fromEntries(taken), ...properties } };
}
