/**
 * What Kargo accepts as a git source: the URL, ref and path end up as arguments of git commands,
 * so anything git could read as an option (`--upload-pack=…`) or a local path is refused before
 * any git command runs.
 */

/** A URL Kargo may fetch, with the credentials written into it taken out. */
export interface GitRemote {
  /** The URL without userinfo for http(s) (what goes into the repository's config). */
  readonly url: string;
  /** `https://host[:port]`, to scope a credential helper to that server; http(s) only. */
  readonly origin?: string;
  /** `user:token` taken out of an https URL, handed to git through its environment only. */
  readonly credentials?: { readonly username: string; readonly password: string };
}

/** scp-like `user@host:path` (ssh); the host may not start with `-` (ssh would read an option). */
const scpLike = /^[A-Za-z0-9._~-]+@[A-Za-z0-9][A-Za-z0-9.-]*:(?!\/\/)[^\s]+$/;

/**
 * The remote of `url`, or why it is refused. Only `https://`, `ssh://` and scp-like
 * `user@host:path`; `file://` URLs and plain paths only when `allowLocal` (tests).
 */
export function parseGitRemote(url: string, allowLocal: boolean): GitRemote | string {
  if (url === '' || url.startsWith('-') || /\s/.test(url)) return 'must be an https://, ssh:// or user@host:path URL';
  if (scpLike.test(url)) return { url };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'file') {
    return allowLocal && !url.includes('::') ? { url } : 'a file:// URL or a local path needs --git-allow-local-urls (meant for tests)';
  }
  if (scheme !== 'https' && scheme !== 'ssh') return `the ${scheme}: scheme is not allowed: use https://, ssh:// or user@host:path`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.hostname === '' || parsed.hostname.startsWith('-')) return 'has no valid host';
  if (scheme === 'ssh' || (parsed.username === '' && parsed.password === '')) return { url };
  const credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, origin: parsed.origin, credentials };
}

/**
 * Why `ref` is not a branch or tag name Kargo follows, or undefined. Stricter than `git
 * check-ref-format --allow-onelevel`: letters, digits and `._/+@-` only, no leading `-`, no
 * `..`, `//`, `@{`, no component starting with `.` or ending with `.lock`.
 */
export function checkGitRef(ref: string): string | undefined {
  const valid =
    /^[A-Za-z0-9._/+@-]+$/.test(ref) &&
    !ref.startsWith('-') &&
    !ref.includes('..') &&
    !ref.includes('//') &&
    !ref.includes('@{') &&
    ref !== '@' &&
    !ref.startsWith('/') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.') &&
    ref.split('/').every((component) => !component.startsWith('.') && !component.endsWith('.lock'));
  return valid ? undefined : 'must be a branch or tag name (letters, digits and ._/+@-, not starting with - or containing ..)';
}

/** Why `path` is not a subdirectory of the repository, or undefined ('' is the root). */
export function checkGitPath(path: string): string | undefined {
  if (path === '') return undefined;
  if (path.startsWith('/') || path.startsWith('-') || path.includes('\\') || path.includes('\0')) return 'must be a relative path inside the repository, not starting with - or /';
  if (path.split('/').some((segment) => segment === '..')) return 'must stay inside the repository (no .. segment)';
  return undefined;
}
