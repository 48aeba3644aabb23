// Generated from crds/network.yaml by `npm run generate`. Do not edit: change the CRD instead.

/** A Swarm network of a namespace, named <namespace>_<name> as docker stack deploy names them. */
export type Network = {
  /** Always kargo.io/v1alpha1. */
  apiVersion: 'kargo.io/v1alpha1';
  /** Always Network. */
  kind: 'Network';
  /** Identity of the network. The Swarm network is named <namespace>_<name>; GeoServices of the namespace name it by <name>. */
  metadata: NetworkMetadata;
  /** How Swarm creates the network. Every field is fixed once the network exists (Swarm has no network update). */
  spec?: NetworkSpec;
};

/** How Swarm creates the network. Every field is fixed once the network exists (Swarm has no network update). */
export type NetworkSpec = {
  /** Network driver; default overlay (the one that spans the swarm's nodes). */
  driver?: string;
  /** Standalone containers (docker run --network) may join it too (default false). */
  attachable?: boolean;
  /** No route to the outside world (default false). */
  internal?: boolean;
  /** Encrypt the overlay's traffic between nodes with IPsec (default false). */
  encrypted?: boolean;
  /** Labels of the Swarm network (io.kargo.* and com.docker.stack.* are Kargo's own). */
  labels?: Record<string, string>;
  /** Driver options, e.g. com.docker.network.driver.mtu. */
  driverOpts?: Record<string, string>;
  /** Address management; without it Swarm picks a free subnet. */
  ipam?: IpamSpec;
};

/** Address management; without it Swarm picks a free subnet. */
export type IpamSpec = {
  /** IPAM driver; default "default". */
  driver?: string;
  /** Subnets, each with an optional gateway and range. */
  config?: {
    /** CIDR, e.g. 10.20.0.0/24. */
    subnet: string;
    /** Gateway address inside the subnet. */
    gateway?: string;
    /** CIDR of the part of the subnet given to tasks. */
    ipRange?: string;
  }[];
};

/** Identity of the network. The Swarm network is named <namespace>_<name>; GeoServices of the namespace name it by <name>. */
export type NetworkMetadata = {
  /** Lower-case letters, digits and '-', starting and ending with a letter or digit. */
  name: string;
  /** The stack namespace (com.docker.stack.namespace); default "default". */
  namespace?: string;
  /** Free-form labels of the manifest; not copied to Swarm (use spec.labels). */
  labels?: Record<string, string>;
  /** Free-form annotations of the manifest; not copied to Swarm. */
  annotations?: Record<string, string>;
};

export type { Network as default };
