import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { SchemaNode } from './crd-codegen.js';

export const crdPath = 'crds/geoservice.yaml';

/** The CRD's openAPIV3Schema: the one definition of what a GeoService may say. */
export function readCrdSchema(): SchemaNode {
  const crd = parse(readFileSync(crdPath, 'utf8')) as {
    spec: { versions: { schema: { openAPIV3Schema: SchemaNode } }[] };
  };
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  if (schema === undefined) throw new Error(`${crdPath} has no openAPIV3Schema`);
  return schema;
}
