/** The namespaces one Kargo manages (`--namespaces`); undefined means all of them. */
export type NamespaceScope = ReadonlySet<string> | undefined;

/** `geo, ops` → {geo, ops}; empty or absent → every namespace. */
export function parseNamespaceScope(text: string | undefined): NamespaceScope {
  if (text === undefined || text.trim() === '') return undefined;
  return new Set(text.split(',').map((namespace) => namespace.trim()).filter((namespace) => namespace !== ''));
}

/** Whether the GeoService `namespace/name` is one this Kargo manages. */
export function inNamespaceScope(key: string, scope: NamespaceScope): boolean {
  return scope === undefined || scope.has(key.split('/')[0] ?? '');
}
