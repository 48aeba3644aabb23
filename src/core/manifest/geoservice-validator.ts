import { checkGeoServiceSchema } from './geoservice-validator.generated.js';
import { schemaValidatorOf, type SchemaValidator } from './schema-validator.js';

/** The GeoService schema check, compiled from the CRD by `npm run generate`. */
export const validateGeoService: SchemaValidator = schemaValidatorOf(checkGeoServiceSchema);
