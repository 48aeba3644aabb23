import { parseKey } from './object-key.js';

/** The namespaces one Kargo manages (`--namespaces`); undefined means all of them. */
export type NamespaceScope = ReadonlySet<string> | undefined;

/** `geo, ops` → {geo, ops}; empty or absent → every namespace. */
export function parseNamespaceScope(text: string | undefined): NamespaceScope {
  if (text === undefined || text.trim() === '') return undefined;
  return new Set(text.split(',').map((namespace) => namespace.trim()).filter((namespace) => namespace !== ''));
}

/** Whether the object of this key (see object-key.ts) is one this Kargo manages. */
export function inNamespaceScope(key: string, scope: NamespaceScope): boolean {
  return scope === undefined || scope.has(parseKey(key).namespace);
}
