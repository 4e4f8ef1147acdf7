// MAC addressing: with `addressing: mac` a guest takes its IPv4 address from the last 4 bytes
// of its MAC. Helpers to read, check and pick addresses.
import type { ContextProject, NetworkSettings } from '../../../project/project';
import type { TemplateInfo } from '../../../project/template';
import { broadcastOf, formatIPv4, inSubnet, ipFromMac, macFromIp, netmaskPrefix, networkOf } from '../../../network/ipv4';

export interface KnownNetwork {
  network: number;
  netmask: number;
  broadcast: number;
  gateway?: number;
}

/** The network MAC addresses must fall in, when the project derives addresses from MACs. */
export function macAddressedNetwork(project: ContextProject): KnownNetwork | undefined {
  if (project.addressing !== 'mac') return undefined;
  return knownNetwork(project.network);
}

export function knownNetwork(n: NetworkSettings | undefined): KnownNetwork | undefined {
  if (!n || n.network === undefined || n.netmask === undefined) return undefined;
  const network = networkOf(n.network, n.netmask);
  return { network, netmask: n.netmask, broadcast: n.broadcast ?? broadcastOf(network, n.netmask), gateway: n.gateway };
}

export function describeNetwork(n: KnownNetwork): string {
  const prefix = netmaskPrefix(n.netmask);
  return prefix === undefined ? `${formatIPv4(n.network)}/${formatIPv4(n.netmask)}` : `${formatIPv4(n.network)}/${prefix}`;
}

/** Why an address cannot be a guest's, or undefined when it can. */
export function reservedRole(ip: number, n: KnownNetwork): string | undefined {
  if (ip === n.network) return 'the network address';
  if (ip === n.broadcast || ip === broadcastOf(n.network, n.netmask)) return 'the broadcast address';
  if (ip === n.gateway) return 'the gateway';
  return undefined;
}

export function isMulticastMac(mac: string): boolean {
  const first = parseInt(mac.slice(0, 2), 16);
  return Number.isFinite(first) && (first & 1) === 1;
}

/** The 2-byte prefix a MAC keeps when its address part changes (00:16 when it has none). */
export function macPrefix(mac: string | undefined): string {
  const m = mac && /^([0-9a-fA-F]{2}:[0-9a-fA-F]{2}):/.exec(mac);
  return m ? m[1].toLowerCase() : '00:16';
}

/** Every IPv4 address encoded by the MACs of these templates. */
export function usedIps(templates: TemplateInfo[]): Set<number> {
  const out = new Set<number>();
  for (const t of templates) for (const i of t.interfaces) {
    const ip = i.mac ? ipFromMac(i.mac.value) : undefined;
    if (ip !== undefined) out.add(ip);
  }
  return out;
}

/** The first address after `from` (wrapping) in the network that no VM uses and is not reserved. */
export function nextFreeIp(n: KnownNetwork, used: Set<number>, from?: number): number | undefined {
  const first = n.network + 1;
  const last = broadcastOf(n.network, n.netmask) - 1;
  const size = last - first + 1;
  if (size <= 0) return undefined;
  const start = from !== undefined && inSubnet(from, n.network, n.netmask) ? from : first;
  for (let k = 0; k < Math.min(size, 1 << 20); k++) {
    const ip = first + ((start - first + 1 + k) % size);
    if (!used.has(ip) && reservedRole(ip, n) === undefined) return ip >>> 0;
  }
  return undefined;
}

export { formatIPv4, inSubnet, ipFromMac, macFromIp };
