import type { ObjectKind } from '../object-key.js';
import { checkGeoServiceSchema } from './geoservice-validator.generated.js';
import { checkNetworkSchema } from './network-validator.generated.js';
import { checkGeoJobSchema } from './geojob-validator.generated.js';
import { schemaValidatorOf, type SchemaValidator } from './schema-validator.js';

/** The schema check of each kind a manifest may declare. */
export type ManifestValidators = Readonly<Record<ObjectKind, SchemaValidator>>;

/** The schema checks compiled from the CRDs by `npm run generate`. */
export const manifestValidators: ManifestValidators = {
  GeoService: schemaValidatorOf(checkGeoServiceSchema),
  Network: schemaValidatorOf(checkNetworkSchema),
  GeoJob: schemaValidatorOf(checkGeoJobSchema),
};
