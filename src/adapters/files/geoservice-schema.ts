import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The CRD shipped with Kargo: the one definition of what a GeoService may say. */
export const geoServiceCrdUrl = new URL('../../../crds/geoservice.yaml', import.meta.url);

/** Reads the openAPIV3Schema of the GeoService CRD. */
export function readGeoServiceSchema(): object {
  const crd = parse(readFileSync(geoServiceCrdUrl, 'utf8')) as {
    spec?: { versions?: { name?: string; schema?: { openAPIV3Schema?: object } }[] };
  };
  const schema = crd.spec?.versions?.find((version) => version.name === 'v1alpha1')?.schema?.openAPIV3Schema;
  if (schema === undefined) throw new Error(`${geoServiceCrdUrl.pathname} has no v1alpha1 openAPIV3Schema`);
  return schema;
}
