import { optionalField as optional } from '../optional-field.js';

/**
 * The operator's policy: what manifests may ask of the swarm. Read from the operator's own file
 * (`--policy`), never from the manifests; without one the built-in baseline applies. Rules are
 * data here; policy-rules.ts applies them.
 */

export type RunAsRoot = boolean | 'imageDefault';

/** A range of published ports, both ends included. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** Every rule, resolved for one namespace: the baseline, under the file's defaults, under the namespace's entry. */
export interface Rules {
  readonly images: {
    /** Globs an image must match (as written, or in its docker.io/library/ form); undefined allows every image. */
    readonly allowed?: readonly string[];
    /** The image must be pinned by digest (`@sha256:…`). */
    readonly requireDigest: boolean;
  };
  readonly binds: {
    /** A bind source may not be, lie under, or contain any of these. */
    readonly deniedPaths: readonly string[];
    /** When set, a bind source must be one of these or lie under one ([] forbids binds). */
    readonly allowedPrefixes?: readonly string[];
    /** Every bind must be mounted read-only. */
    readonly readOnly: boolean;
  };
  /**
   * Whether the container may run as root: `true` always; `imageDefault` only as the image's
   * default user (a manifest may not ask for root, `user: "0"`, but may leave the user unset);
   * `false` never (a non-root user must be set, since the image's default may be root).
   */
  readonly runAsRoot: RunAsRoot;
  readonly networks: {
    /** A service may join the host network, and a Network may use the host driver. */
    readonly host: boolean;
    /** Globs of the external networks a service may join (host aside); undefined allows every one. */
    readonly external?: readonly string[];
    /** Globs of the drivers a Network may use; undefined allows every driver (host aside). */
    readonly drivers?: readonly string[];
  };
  readonly ports: {
    /** When set, every port must be published, inside one of these ranges. */
    readonly published?: readonly PortRange[];
    /** A port may be published in host mode (on the node running the task, bypassing the routing mesh). */
    readonly hostMode: boolean;
  };
  readonly placement: {
    /** Tasks may run on managers; when false a service must be constrained away from them. */
    readonly managers: boolean;
  };
  /** Globs of the Swarm service names (`<namespace>_<name>`) a manifest may adopt with kargo.io/adopt. */
  readonly adopt: readonly string[];
  /** Globs of the Swarm secrets made outside Kargo (`spec.secrets[].external`) a service may mount; undefined allows every one. */
  readonly externalSecrets?: readonly string[];
}

/** Some rules: what the file's `defaults` or one namespace's entry sets. Unset fields are inherited. */
export interface RulesOverride {
  readonly images?: Partial<Rules['images']>;
  readonly binds?: Partial<Rules['binds']>;
  readonly runAsRoot?: RunAsRoot;
  readonly networks?: Partial<Rules['networks']>;
  readonly ports?: Partial<Rules['ports']>;
  readonly placement?: Partial<Rules['placement']>;
  readonly adopt?: readonly string[];
  readonly externalSecrets?: readonly string[];
}

export interface Policy {
  /** Where the policy comes from, for messages: `built-in baseline` or `policy <file>`. */
  readonly origin: string;
  readonly defaults: RulesOverride;
  readonly namespaces: ReadonlyMap<string, RulesOverride>;
  /** Globs of the namespaces a manifest may be in; undefined allows every namespace. */
  readonly allowedNamespaces?: readonly string[];
}

/** What evaluating a manifest needs besides the manifest: the policy, and Kargo's own service. */
export interface PolicyContext {
  readonly policy: Policy;
  /** The Swarm name of the service Kargo runs as, when known: no manifest may target it. */
  readonly selfService?: string;
}

/**
 * Host paths no bind may expose under the baseline, in the spirit of Pod Security "Baseline":
 * the engine's and containerd's sockets and state (root on the node), and the host's system trees.
 */
export const baselineDeniedPaths: readonly string[] = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/lib/docker',
  '/run/containerd',
  '/var/run/containerd',
  '/var/lib/containerd',
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/root',
  '/boot',
];

/**
 * The built-in baseline: binds may not expose baselineDeniedPaths (so not `/` either), no host
 * network, no adoption, and no manifest asking for root (the image's own default user stays
 * allowed, as most geo images run as root).
 */
export const baselineRules: Rules = {
  images: { requireDigest: false },
  binds: { deniedPaths: baselineDeniedPaths, readOnly: false },
  runAsRoot: 'imageDefault',
  networks: { host: false },
  ports: { hostMode: true },
  placement: { managers: true },
  adopt: [],
};

/** The policy in force when no policy file is given. */
export const baselinePolicy: Policy = { origin: 'built-in baseline', defaults: {}, namespaces: new Map() };

export const baselineContext: PolicyContext = { policy: baselinePolicy };

/** The rules of `namespace`: the baseline, under the file's defaults, under the namespace's own entry. */
export function rulesFor(policy: Policy, namespace: string): Rules {
  return [policy.defaults, policy.namespaces.get(namespace) ?? {}].reduce<Rules>(override, baselineRules);
}

function override(rules: Rules, over: RulesOverride): Rules {
  return {
    images: { ...rules.images, ...over.images },
    binds: { ...rules.binds, ...over.binds },
    runAsRoot: over.runAsRoot ?? rules.runAsRoot,
    networks: { ...rules.networks, ...over.networks },
    ports: { ...rules.ports, ...over.ports },
    placement: { ...rules.placement, ...over.placement },
    adopt: over.adopt ?? rules.adopt,
    ...optional('externalSecrets', over.externalSecrets ?? rules.externalSecrets),
  };
}
