// After common/network changes, the VMs whose MAC-encoded address fell outside it move back
// in with one fix: fresh free addresses (the New Fleet allocator's), each MAC rewritten to
// encode its new address, one edit over all templates.
import type { Fix, TextEdit } from '../common/diagnostic';
import type { ContextProject } from '../project/project';
import { inSubnet, ipFromMac, macFromIp } from '../network/ipv4';
import { describeNetwork, macAddressedNetwork, macPrefix } from '../validation/domain/rules/macAddressing';
import { addressPoolOf, allocateAddresses, suggestFirstIp } from './addressPool';

const memo = new WeakMap<ContextProject, Fix | null>();

/** "Move N VMs into 10.20.0.0/24", or undefined when no VM is outside or the network is full. */
export function moveIntoNetworkFix(project: ContextProject): Fix | undefined {
  let fix = memo.get(project);
  if (fix === undefined) memo.set(project, (fix = computeFix(project) ?? null));
  return fix ?? undefined;
}

function computeFix(project: ContextProject): Fix | undefined {
  const n = macAddressedNetwork(project);
  if (!n) return undefined;
  const outside: Array<{ file: string; mac: { value: string; range: TextEdit['range'] } }> = [];
  for (const t of project.templates) {
    for (const i of t.interfaces) {
      const ip = i.mac ? ipFromMac(i.mac.value) : undefined;
      if (i.mac && ip !== undefined && !inSubnet(ip, n.network, n.netmask)) outside.push({ file: t.file, mac: i.mac });
    }
  }
  if (!outside.length) return undefined;
  const pool = addressPoolOf(project);
  const first = suggestFirstIp(pool);
  if (first === undefined) return undefined;
  let allocation = allocateAddresses(pool, first, outside.length);
  // Not enough room above the addresses in use: fill the holes from the start instead.
  if (allocation.exhausted) allocation = allocateAddresses(pool, n.network + 1, outside.length);
  if (allocation.exhausted) return undefined;
  const edits = outside.map((o, k) => ({ file: o.file, range: o.mac.range, newText: macFromIp(allocation.ips[k], macPrefix(o.mac.value)) }));
  const vms = new Set(outside.map((o) => o.file)).size;
  return { title: `Move ${vms} VM${vms === 1 ? '' : 's'} into ${describeNetwork(n)}`, edits, preferred: true };
}
