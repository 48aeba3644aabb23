import type { IpamConfig, NetworkCreateRequest, NetworkResource } from '../swarm/engine-api.js';
import { optionalField as optional } from '../optional-field.js';
import type { FieldChange } from './change-set.js';
import { bracketKeys, flatten, keyBy, withoutProvenance, type ComparableSpec } from './comparable-spec.js';
import { compareCodePoints } from '../render/canonical-json.js';
import { defaultNetworkDriver } from '../render/render-network-spec.js';

/** Options the driver adds on its own (the overlay's VXLAN ids): never the manifest's. */
const driverOwnOptions: readonly string[] = ['com.docker.network.driver.overlay.vxlanid_list'];

/**
 * A network's comparable leaves: driver, attachable, internal, options, labels (without
 * provenance) and, when the manifest manages addresses, IPAM. A live network the allocator has not
 * filled in yet (no driver) is read as the default driver; IPAM Swarm picked is ignored unless the
 * manifest set one.
 */
export function comparableNetwork(network: NetworkCreateRequest | NetworkResource, withIpam: boolean): ComparableSpec {
  const options = Object.fromEntries(Object.entries(network.Options ?? {}).filter(([option]) => !driverOwnOptions.includes(option)));
  const leaves = new Map<string, unknown>();
  flatten(
    {
      Driver: network.Driver === undefined || network.Driver === '' ? defaultNetworkDriver : network.Driver,
      Attachable: network.Attachable,
      Internal: network.Internal,
      Options: bracketKeys(options),
      Labels: bracketKeys(withoutProvenance(network.Labels ?? undefined)),
      ...(withIpam
        ? { IPAM: { Driver: network.IPAM?.Driver === '' ? 'default' : network.IPAM?.Driver, Config: keyBy(network.IPAM?.Config ?? [], (config) => config.Subnet ?? '') } }
        : {}),
    },
    '',
    leaves,
  );
  return leaves;
}

/**
 * The fields that differ from the live network to the desired one (`from` live, `to` desired). Of
 * a subnet the manifest sets, only what it sets is compared: the gateway Swarm picked is no change.
 */
export function networkFieldChanges(desired: NetworkCreateRequest, live: NetworkResource): FieldChange[] {
  const withIpam = desired.IPAM !== undefined;
  const wanted = new Map((desired.IPAM?.Config ?? []).map((config) => [config.Subnet, config]));
  const liveConfig = live.IPAM?.Config?.map((config): IpamConfig => {
    const asked = wanted.get(config.Subnet);
    if (asked === undefined) return config;
    return { ...optional('Subnet', config.Subnet), ...optional('Gateway', asked.Gateway === undefined ? undefined : config.Gateway), ...optional('IPRange', asked.IPRange === undefined ? undefined : config.IPRange) };
  });
  const from = comparableNetwork({ ...live, IPAM: { ...live.IPAM, ...(liveConfig === undefined ? {} : { Config: liveConfig }) } }, withIpam);
  const to = comparableNetwork(desired, withIpam);
  const paths = [...new Set([...from.keys(), ...to.keys()])].sort(compareCodePoints);
  return paths.flatMap((path) => {
    const before = from.get(path);
    const after = to.get(path);
    if (JSON.stringify(before) === JSON.stringify(after)) return [];
    return [{ path, ...(before === undefined ? {} : { from: before }), ...(after === undefined ? {} : { to: after }) }];
  });
}
