// Which libvirt host each VM goes to, and what kind of host a URI names.
import type { ManifestHost } from '../project/manifest';

/** A libvirt URI without a host part (`qemu:///system`, `test:///default`) runs on this machine. */
export function isLocalUri(uri: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/]*)\//i.exec(uri);
  if (!m) return false;
  const authority = m[1].replace(/^[^@]*@/, '');
  return authority === '' || /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i.test(authority);
}

export interface HostAssignment {
  host: ManifestHost;
  vms: string[];
}

export interface Assignments {
  hosts: HostAssignment[];
  /** VMs no host takes: every host lists its own `vms` and none names them. */
  unassigned: string[];
}

/**
 * VMs named in a host's `vms` go there; a host with a `vms` list takes only those. The other
 * VMs are spread round-robin over the hosts without a list, in manifest order and in the
 * order the VMs are given, so the result is stable.
 * Throws when a VM is claimed by two hosts, a host names an unknown VM or a URI comes twice.
 */
export function assignHosts(hosts: ManifestHost[], vmNames: string[]): Assignments {
  if (hosts.length === 0) throw new Error('no host to deploy to: add "hosts" to vmcontext.json or pass --connect URI');
  const twice = hosts.find((h, i) => hosts.findIndex((o) => o.uri === h.uri) !== i);
  if (twice) throw new Error(`host ${twice.uri} is listed twice: one URI is one host; merge the entries in vmcontext.json (vmctx check reports it)`);
  const out = hosts.map((host) => ({ host, vms: [] as string[] }));
  const claimed = new Map<string, string>();
  for (const a of out) {
    for (const vm of a.host.vms ?? []) {
      if (!vmNames.includes(vm)) throw new Error(`host ${a.host.uri} names VM "${vm}", but no template defines it (templates: ${vmNames.join(', ') || 'none'})`);
      const other = claimed.get(vm);
      if (other && other !== a.host.uri) throw new Error(`VM "${vm}" is assigned to two hosts: ${other} and ${a.host.uri}`);
      claimed.set(vm, a.host.uri);
    }
  }
  const open = out.filter((a) => a.host.vms === undefined);
  const unassigned: string[] = [];
  let next = 0;
  for (const vm of vmNames) {
    const uri = claimed.get(vm);
    if (uri) out.find((a) => a.host.uri === uri)!.vms.push(vm);
    else if (open.length === 0) unassigned.push(vm);
    else open[next++ % open.length].vms.push(vm);
  }
  return { hosts: out, unassigned };
}
