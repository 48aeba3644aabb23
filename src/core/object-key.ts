/**
 * The identity of an object Kargo reconciles: a kind, a namespace and a name. Its text form is
 * the work-queue key, the status API's key and what ownership labels hold. A GeoService's text
 * stays `namespace/name`, as it always was (labels on running services carry it); other kinds
 * are prefixed with their kind, `Network/namespace/name`, `GeoJob/namespace/name`. Names never contain '/', so the two
 * forms cannot be confused.
 */
export type ObjectKind = 'GeoService' | 'Network' | 'GeoJob';

export interface ObjectKey {
  readonly kind: ObjectKind;
  readonly namespace: string;
  readonly name: string;
}

export const objectKinds: readonly ObjectKind[] = ['GeoService', 'Network', 'GeoJob'];

/** The text form of a key (see above). */
export function formatKey(kind: ObjectKind, namespace: string, name: string): string {
  return kind === 'GeoService' ? `${namespace}/${name}` : `${kind}/${namespace}/${name}`;
}

/** The key a text form stands for; a text of another shape reads as a GeoService key, as labels always held them. */
export function parseKey(text: string): ObjectKey {
  const parts = text.split('/');
  if (parts.length === 3 && isObjectKind(parts[0])) return { kind: parts[0], namespace: parts[1] ?? '', name: parts[2] ?? '' };
  const [namespace = '', name = ''] = parts;
  return { kind: 'GeoService', namespace, name };
}

export function isObjectKind(text: string | undefined): text is ObjectKind {
  return objectKinds.some((kind) => kind === text);
}

/** The Swarm name of the object: `<namespace>_<name>`, as `docker stack deploy` names them. */
export function swarmNameOf(key: Pick<ObjectKey, 'namespace' | 'name'>): string {
  return `${key.namespace}_${key.name}`;
}

export function kindOfKey(text: string): ObjectKind {
  return parseKey(text).kind;
}
