// Hover text about an IPv4 address, netmask or network relative to the VM network, shared by
// the network and routes files.
import type { NetworkSettings } from '../project/project';
import { broadcastOf, formatIPv4, inSubnet, netmaskPrefix, networkOf } from './ipv4';

/** The VM network as network/mask, when common/network gives a valid one. */
export function vmSubnet(net: NetworkSettings | undefined): { network: number; mask: number; prefix: number } | undefined {
  if (net?.netmask === undefined) return undefined;
  const prefix = netmaskPrefix(net.netmask);
  const base = net.network ?? net.gateway;
  if (prefix === undefined || base === undefined) return undefined;
  return { network: networkOf(base, net.netmask), mask: net.netmask, prefix };
}

export function cidr(network: number, prefix: number): string {
  return `${formatIPv4(network)}/${prefix}`;
}

function count(prefix: number): string {
  return (2 ** (32 - prefix)).toLocaleString('en-US');
}

/** One address: its network under the VM netmask and whether the VM network holds it. */
export function describeAddress(address: number, net: NetworkSettings | undefined): string {
  const vm = vmSubnet(net);
  const lines = [`**${formatIPv4(address)}**`, ''];
  if (!vm) {
    lines.push('The VM network is unknown: common/network gives no valid NETWORK and NETMASK.');
    return lines.join('\n');
  }
  const inside = inSubnet(address, vm.network, vm.mask);
  lines.push(`- network: \`${cidr(networkOf(address, vm.mask), vm.prefix)}\` (prefix length ${vm.prefix}, netmask \`${formatIPv4(vm.mask)}\`)`);
  lines.push(inside ? `- inside the VM network \`${cidr(vm.network, vm.prefix)}\`` : `- **outside** the VM network \`${cidr(vm.network, vm.prefix)}\``);
  if (inside && address === vm.network) lines.push('- the network address itself, not a host');
  if (inside && address === broadcastOf(vm.network, vm.mask) && vm.prefix < 31) lines.push('- the broadcast address, not a host');
  return lines.join('\n');
}

/** A destination network (address and mask): its range and how it relates to the VM network. */
export function describeNetwork(address: number, mask: number, net: NetworkSettings | undefined): string {
  const prefix = netmaskPrefix(mask) ?? 32;
  const network = networkOf(address, mask);
  const last = broadcastOf(network, mask);
  const lines = [`**${cidr(network, prefix)}**`, ''];
  lines.push(`- network \`${formatIPv4(network)}\`, prefix length ${prefix}, netmask \`${formatIPv4(mask)}\``);
  lines.push(`- \`${formatIPv4(network)}\` – \`${formatIPv4(last)}\` (${count(prefix)} address${prefix === 32 ? '' : 'es'})`);
  if (network !== address) lines.push(`- **host bits set**: \`${formatIPv4(address)}\` is not the network address`);
  const vm = vmSubnet(net);
  if (vm) {
    const inside = inSubnet(network, vm.network, vm.mask) && prefix >= vm.prefix;
    const holds = inSubnet(vm.network, network, mask) && vm.prefix >= prefix;
    lines.push(
      inside
        ? `- inside the VM network \`${cidr(vm.network, vm.prefix)}\``
        : holds
          ? `- contains the VM network \`${cidr(vm.network, vm.prefix)}\``
          : `- outside the VM network \`${cidr(vm.network, vm.prefix)}\``,
    );
  }
  return lines.join('\n');
}

/** A netmask: prefix length and size, or why it is not a netmask. */
export function describeNetmask(mask: number): string {
  const prefix = netmaskPrefix(mask);
  if (prefix === undefined) return `**${formatIPv4(mask)}** is not a netmask: its one bits are not contiguous.`;
  const hosts = prefix >= 31 ? 2 ** (32 - prefix) : 2 ** (32 - prefix) - 2;
  return `**${formatIPv4(mask)}** = \`/${prefix}\`\n\n- prefix length ${prefix}\n- ${count(prefix)} addresses, ${hosts.toLocaleString('en-US')} hosts`;
}
