/**
 * Host paths compared by component, after normalisation: `/etc/../var/run/docker.sock` is the
 * socket, `/etc/` is `/etc`, and `/etcetera` is not under `/etc`. Pure text: symlinks on the
 * host are not resolved (Kargo cannot see the node's filesystem), so a prefix a policy allows
 * must be a directory whose contents the operator controls.
 */

/** The components of an absolute path, with `.`, `..` and repeated slashes resolved (`..` stops at `/`). */
export function pathComponents(path: string): string[] {
  const components: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') components.pop();
    else components.push(part);
  }
  return components;
}

/** The normalised form of an absolute path, e.g. `/var/run/docker.sock`. */
export function normalisePath(path: string): string {
  return `/${pathComponents(path).join('/')}`;
}

/** Whether `path` is `ancestor` or lies under it, by component. */
export function isWithin(path: string, ancestor: string): boolean {
  const inner = pathComponents(path);
  const outer = pathComponents(ancestor);
  return outer.length <= inner.length && outer.every((part, index) => inner[index] === part);
}

/**
 * Whether binding `source` exposes `sensitive`: it is that path, lies under it, or contains it
 * (binding `/` or `/var` exposes `/var/lib/docker`).
 */
export function exposes(source: string, sensitive: string): boolean {
  return isWithin(source, sensitive) || isWithin(sensitive, source);
}
