// IPv4 allocation for new VMs: consecutive addresses inside the project's network from a
// first address on, skipping those already taken (other VMs' MAC-encoded addresses, the
// gateway, name servers, the network and broadcast addresses).
import { broadcastOf, formatIPv4, inSubnet, ipFromMac, networkOf } from '../network/ipv4';
import type { ContextProject } from '../project/project';

export interface Subnet {
  network: number;
  netmask: number;
}

export interface AddressPool {
  subnet?: Subnet;
  /** Addresses no new VM may get, with why (for messages). */
  taken: Map<number, string>;
}

/** The pool of the project: its network from common/network and the addresses in use. */
export function addressPoolOf(project: ContextProject): AddressPool {
  const taken = new Map<number, string>();
  const net = project.network;
  let subnet: Subnet | undefined;
  if (net?.network !== undefined && net.netmask !== undefined) {
    subnet = { network: networkOf(net.network, net.netmask), netmask: net.netmask };
    taken.set(subnet.network, 'the network address');
    taken.set(broadcastOf(subnet.network, subnet.netmask), 'the broadcast address');
  }
  if (net?.broadcast !== undefined) taken.set(net.broadcast, 'the broadcast address');
  if (net?.gateway !== undefined) taken.set(net.gateway, 'the gateway');
  for (const ns of net?.nameservers ?? []) if (!taken.has(ns)) taken.set(ns, 'a name server');
  for (const t of project.templates) {
    for (const i of t.interfaces) {
      const ip = i.mac ? ipFromMac(i.mac.value) : undefined;
      if (ip !== undefined && !taken.has(ip)) taken.set(ip, `used by ${t.name?.value ?? t.file}`);
    }
  }
  return { subnet, taken };
}

export function inPool(pool: AddressPool, ip: number): boolean {
  return !pool.subnet || inSubnet(ip, pool.subnet.network, pool.subnet.netmask);
}

/** The first free host address above every address in use (a sensible default first IP). */
export function suggestFirstIp(pool: AddressPool): number | undefined {
  if (!pool.subnet) return undefined;
  const { network, netmask } = pool.subnet;
  const last = broadcastOf(network, netmask);
  let start = network + 1;
  for (const ip of pool.taken.keys()) {
    if (ip > network && ip < last && inSubnet(ip, network, netmask) && ip >= start) start = ip + 1;
  }
  for (let ip = start; ip < last; ip++) if (!pool.taken.has(ip)) return ip >>> 0;
  // Everything above is used: take the first hole.
  for (let ip = network + 1; ip < last; ip++) if (!pool.taken.has(ip)) return ip >>> 0;
  return undefined;
}

export interface Allocation {
  ips: number[];
  /** Addresses that were skipped, with why. */
  skipped: Array<{ ip: string; reason: string }>;
  /** Set when the network ran out before `count` addresses were found. */
  exhausted: boolean;
}

export function allocateAddresses(pool: AddressPool, first: number, count: number): Allocation {
  const ips: number[] = [];
  const skipped: Allocation['skipped'] = [];
  let ip = first >>> 0;
  while (ips.length < count) {
    if (ip > 0xffffffff || !inPool(pool, ip)) return { ips, skipped, exhausted: true };
    const why = pool.taken.get(ip);
    if (why) skipped.push({ ip: formatIPv4(ip), reason: why });
    else ips.push(ip);
    ip++;
  }
  return { ips, skipped, exhausted: false };
}
