import { _, Ajv, type CodeOptions, type KeywordCxt } from 'ajv';
import { kargoFormats, type KargoFormat } from './units.js';

/**
 * The ajv instance that compiles the GeoService schema; `npm run generate` writes its standalone
 * code to geoservice-validator.generated.ts, which is what Kargo runs. Every error (allErrors),
 * with the data and the parent schema in it (verbose: the messages and the did-you-mean read
 * them). The `x-kargo-format` keyword checks durations, sizes and CPU amounts with the parsers
 * rendering uses, so what validates also renders; its check is generated code naming
 * `kargoFormats`, which the standalone code imports.
 */
export function geoServiceAjv(code: CodeOptions = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, code });
  ajv.addKeyword({
    keyword: 'x-kargo-format',
    type: 'string',
    schemaType: 'string',
    metaSchema: { enum: Object.keys(kargoFormats) },
    code(cxt: KeywordCxt) {
      const formats = cxt.gen.scopeValue('formats', { ref: kargoFormats, code: _`kargoFormats` });
      cxt.fail(_`${formats}[${cxt.schema as KargoFormat}].parse(${cxt.data}) === undefined`);
    },
    error: { message: (cxt) => `must be ${kargoFormats[cxt.schema as KargoFormat].expected}` },
  });
  return ajv;
}
