import { defaultNetworkName } from '../manifest/across-manifests.js';
import type { GeoServiceSpec, NetworkAttachmentSpec } from '../manifest/geoservice.generated.js';
import { formatKey } from '../object-key.js';
import type { NetworkAttachmentConfig } from '../swarm/engine-api.js';
import { compareCodePoints } from './canonical-json.js';

/** Networks every engine has, which take no aliases (a service on them has no DNS name there). */
export const predefinedNetworks: readonly string[] = ['host', 'bridge', 'none'];

interface Attachment {
  /** The Swarm network name. */
  readonly target: string;
  /** The Network key when Kargo manages the network, undefined for an external one. */
  readonly networkKey?: string;
  readonly aliases: readonly string[];
}

/** What a GeoService's `networks` list means: no list is the namespace's default network. */
function attachmentsOf(networks: GeoServiceSpec['networks'], namespace: string): Attachment[] {
  const entries: readonly (string | NetworkAttachmentSpec)[] = networks === undefined || networks.length === 0 ? [defaultNetworkName] : networks;
  return entries.map((entry) => {
    const { name, external = false, aliases = [] } = typeof entry === 'string' ? { name: entry } : entry;
    if (external) return { target: name, aliases };
    return { target: `${namespace}_${name}`, networkKey: formatKey('Network', namespace, name), aliases };
  });
}

/**
 * The attachments of a GeoService's service, ordered by network: each network of its namespace by
 * `<namespace>_<name>`, an external one as written, and on every network but the predefined ones
 * the GeoService's own name as an alias, as `docker stack deploy` gives a service its name within
 * the stack, so that `postgis` resolves from the other services of the namespace.
 */
export function networkAttachments(networks: GeoServiceSpec['networks'], namespace: string, name: string): NetworkAttachmentConfig[] {
  return attachmentsOf(networks, namespace)
    .map(({ target, aliases }) => {
      const all = predefinedNetworks.includes(target) ? [...aliases] : [...new Set([...aliases, name])];
      return all.length === 0 ? { Target: target } : { Target: target, Aliases: all };
    })
    .sort((a, b) => compareCodePoints(a.Target, b.Target));
}

/** The keys of the Networks (Kargo's) a GeoService joins, its namespace's default network included. */
export function networkKeysOf(networks: GeoServiceSpec['networks'], namespace: string): string[] {
  return attachmentsOf(networks, namespace).flatMap((attachment) => (attachment.networkKey === undefined ? [] : [attachment.networkKey]));
}
