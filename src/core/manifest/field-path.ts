/** A path to a field inside a document: keys and array indexes, e.g. ['spec', 'ports', 0, 'target']. */
export type FieldPath = readonly (string | number)[];

/** The path as users write it: `spec.ports[0].target`. */
export function formatFieldPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}
