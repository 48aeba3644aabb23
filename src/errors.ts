/**
 * The one catalogue of Kargo's error codes. Codes are stable: scripts, logs and alerts may match
 * on them, so a code is never renamed or reused once released.
 */
export const ErrorCode = {
  /** A program Kargo needs (dockerd, ip, busybox, …) is not installed and cannot be installed. */
  MissingPrerequisite: 'KARGO_MISSING_PREREQUISITE',
  /** A private sandbox engine did not start or did not answer in time. */
  SandboxEngineFailed: 'KARGO_SANDBOX_ENGINE_FAILED',
  /** Building a local image (docker import) failed. */
  ImageBuildFailed: 'KARGO_IMAGE_BUILD_FAILED',
  /** Building a geo image needs Debian packages, and debootstrap or apt could not reach a Debian mirror. */
  DebianMirrorUnreachable: 'KARGO_DEBIAN_MIRROR_UNREACHABLE',
  /** The Docker engine did not answer at DOCKER_HOST. */
  EngineUnreachable: 'KARGO_ENGINE_UNREACHABLE',
  /** The engine answers but is not a swarm manager, so it cannot run services. */
  NotSwarmManager: 'KARGO_NOT_SWARM_MANAGER',
  /** A git command of the git source failed (fetch, checkout). */
  GitFailed: 'KARGO_GIT_FAILED',
  /** The git source's URL, ref or path was refused before any git command ran (see git-source-rules.ts). */
  GitSourceRefused: 'KARGO_GIT_SOURCE_REFUSED',
  /** `kargo status` could not reach a running Kargo's HTTP server. */
  ServerUnreachable: 'KARGO_SERVER_UNREACHABLE',
  /** A write endpoint (`POST /hooks/git`, `/api/v1/sources/refresh`) was called, but no --webhook-secret-file is set. */
  WebhookDisabled: 'KARGO_WEBHOOK_DISABLED',
  /** A write endpoint's signature, token or bearer token is missing or wrong. */
  Unauthorized: 'KARGO_UNAUTHORIZED',
  /** A request body passed the HTTP server's limit (413). */
  BodyTooLarge: 'KARGO_BODY_TOO_LARGE',
  /** The HTTP server failed to answer a request; the detail is in Kargo's log, never in the answer. */
  HttpInternal: 'KARGO_HTTP_INTERNAL',
  /** The --webhook-secret-file could not be read, or is empty. */
  WebhookSecretUnreadable: 'KARGO_WEBHOOK_SECRET_UNREADABLE',
  /** A values file (--values) could not be read. */
  ValuesFileUnreadable: 'KARGO_VALUES_FILE_UNREADABLE',
  /** The age identity file (--age-identity-file) could not be read or holds no identity. */
  AgeIdentityUnreadable: 'KARGO_AGE_IDENTITY_UNREADABLE',
  /** The policy file (--policy) could not be read, or breaks its schema, or lies inside the manifests. */
  PolicyInvalid: 'KARGO_POLICY_INVALID',
  /** The command line could not be understood. */
  Usage: 'KARGO_USAGE',
  /** A run was asked of a GeoJob that this Kargo does not manage (404). */
  JobNotFound: 'KARGO_JOB_NOT_FOUND',
  /** `kargo job run` was refused by the Kargo it asked (an answer other than 202). */
  JobRunRefused: 'KARGO_JOB_RUN_REFUSED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error Kargo raises on purpose: it always carries a stable `code`. */
export class KargoError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KargoError';
    this.code = code;
  }
}

/** The message of anything thrown, for logs and one-line reports. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
