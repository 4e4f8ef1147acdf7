// MAC rules of one template: multicast MACs (libvirt refuses them), and with MAC addressing
// the IPv4 address a MAC encodes must be a usable host address of the project's network.
import { diagnostic, type Diagnostic, type Fix } from '../../../common/diagnostic';
import type { ContextProject } from '../../../project/project';
import type { TemplateInfo, TemplateInterface } from '../../../project/template';
import { SOURCE, type DomainRuleInput } from './ruleInput';
import {
  describeNetwork,
  formatIPv4,
  inSubnet,
  ipFromMac,
  isMulticastMac,
  macAddressedNetwork,
  macFromIp,
  macPrefix,
  nextFreeIp,
  reservedRole,
  usedIps,
  type KnownNetwork,
} from './macAddressing';
import { moveIntoNetworkFix } from '../../../fleet/moveIntoNetwork';

export function macMulticastRule({ info }: DomainRuleInput): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const i of info.interfaces) {
    const mac = i.mac;
    if (!mac || !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac.value) || !isMulticastMac(mac.value)) continue;
    const first = (parseInt(mac.value.slice(0, 2), 16) & 0xfe).toString(16).padStart(2, '0');
    const fixed = first + mac.value.slice(2);
    out.push(
      diagnostic('domain-mac-multicast', 'error', `MAC ${mac.value} is a multicast address (its first byte is odd); libvirt refuses it for an interface`, mac.range, {
        source: SOURCE,
        fixes: [{ title: `Use the unicast MAC ${fixed}`, edits: [{ range: mac.range, newText: fixed }], preferred: true }],
      }),
    );
  }
  return out;
}

/** The templates of the project with the edited one replaced by its current state. */
export function currentTemplates(project: ContextProject, info: TemplateInfo): TemplateInfo[] {
  return [...project.templates.filter((t) => t.file !== info.file), info];
}

const usedByProject = new WeakMap<ContextProject, Set<number>>();

/** The addresses the project's MACs encode, with `info` as the current state of its template. */
function usedIpsWith(project: ContextProject, info: TemplateInfo): Set<number> {
  // The whole-project check passes the project's own info (same text, same object): reuse one set.
  if (!project.templates.includes(info)) return usedIps(currentTemplates(project, info));
  let used = usedByProject.get(project);
  if (!used) usedByProject.set(project, (used = usedIps(project.templates)));
  return used;
}

/** Quick fix: give this interface the next free address of the network, as its MAC. */
export function nextFreeIpFix(project: ContextProject, info: TemplateInfo, iface: TemplateInterface, n: KnownNetwork): Fix | undefined {
  if (!iface.mac) return undefined;
  const used = usedIpsWith(project, info);
  const current = ipFromMac(iface.mac.value);
  const ip = nextFreeIp(n, used, current);
  if (ip === undefined) return undefined;
  const mac = macFromIp(ip, macPrefix(iface.mac.value));
  return { title: `Set the MAC to ${mac} (next free address ${formatIPv4(ip)})`, edits: [{ range: iface.mac.range, newText: mac }], preferred: true };
}

export function macIpRule({ project, info }: DomainRuleInput): Diagnostic[] {
  const n = macAddressedNetwork(project);
  if (!n) return [];
  const out: Diagnostic[] = [];
  for (const i of info.interfaces) {
    if (!i.mac) continue;
    const ip = ipFromMac(i.mac.value);
    if (ip === undefined) continue;
    // Only computed for an interface in error: it scans every template's MACs.
    const fixes = () => {
      const fix = nextFreeIpFix(project, info, i, n);
      return fix ? [fix] : [];
    };
    if (!inSubnet(ip, n.network, n.netmask)) {
      // Every VM left outside (the network changed) moves in with one edit; computed once per project.
      const all = moveIntoNetworkFix(project.templates.includes(info) ? project : { ...project, templates: currentTemplates(project, info) });
      const one = fixes().map((f) => ({ ...f, preferred: !all }));
      out.push(
        diagnostic(
          'domain-mac-ip-outside-network',
          'error',
          `MAC ${i.mac.value} gives the guest ${formatIPv4(ip)}, outside the network ${describeNetwork(n)} of ${project.flavor === 'nocloud' ? 'vmcontext.json "network"' : 'context/common/network'}`,
          i.mac.range,
          { source: SOURCE, fixes: all ? [all, ...one] : one },
        ),
      );
      continue;
    }
    const role = reservedRole(ip, n);
    if (role) {
      out.push(
        diagnostic('domain-mac-ip-reserved', 'error', `MAC ${i.mac.value} gives the guest ${formatIPv4(ip)}, which is ${role} of ${describeNetwork(n)}`, i.mac.range, {
          source: SOURCE,
          fixes: fixes(),
        }),
      );
    }
  }
  return out;
}
