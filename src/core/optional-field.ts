/**
 * `{ [key]: value }` when value is defined, else `{}`: spread into an object literal, it keeps an
 * absent field absent, as exactOptionalPropertyTypes (and the Engine API) want.
 */
export function optionalField<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
