// Hover in a domain template: the schema's documentation of the element or attribute, and on
// a MAC the IPv4 address it encodes (and whether the project's network has room for it).
import type { Range } from '../common/diagnostic';
import type { ContextProject } from '../project/project';
import { parseXml } from '../xml/parse';
import type { SchemaDocs } from './schemaDocs';
import { nodeAt } from './locate';
import { describeNetwork, formatIPv4, inSubnet, ipFromMac, knownNetwork, reservedRole } from '../validation/domain/rules/macAddressing';

export interface DomainHover {
  markdown: string;
  range: Range;
}

export function hoverDomain(text: string, offset: number, docs: SchemaDocs, project?: ContextProject): DomainHover | undefined {
  const doc = parseXml(text);
  const at = nodeAt(doc, offset);
  if (!at) return undefined;
  const { element, attribute } = at;
  const parent = element.parent?.local ?? '';
  const range = (s: { start: number; end: number }) => doc.lines.rangeOf(s.start, s.end);
  if (attribute && at.onAttributeValue && element.local === 'mac' && attribute.local === 'address') {
    return { markdown: macHover(attribute.value, project), range: range(attribute.valueSpan) };
  }
  if (attribute) {
    const d = docs.attribute(element.local, parent, attribute.local);
    return d ? { markdown: `**${attribute.name}** (on \`<${element.name}>\`)\n\n${d}`, range: range(attribute.nameSpan) } : undefined;
  }
  if (at.onName) {
    const d = docs.element(element.parent ? parent : '', element.local);
    return d ? { markdown: `**<${element.name}>**\n\n${d}`, range: range(element.nameSpan) } : undefined;
  }
  return undefined;
}

export function macHover(mac: string, project?: ContextProject): string {
  const ip = ipFromMac(mac);
  if (ip === undefined) return `MAC \`${mac}\` is not six hex bytes separated by colons.`;
  let out = `MAC \`${mac}\` encodes the IPv4 address **${formatIPv4(ip)}** (its last 4 bytes).`;
  if (project?.addressing === 'dhcp') return `${out}\n\nThe project uses DHCP: the guest does not take this address.`;
  const n = knownNetwork(project?.network);
  if (n) {
    const role = reservedRole(ip, n);
    if (!inSubnet(ip, n.network, n.netmask)) out += `\n\n⚠ Outside the project's network ${describeNetwork(n)}.`;
    else if (role) out += `\n\n⚠ That is ${role} of ${describeNetwork(n)}.`;
    else out += `\n\nInside the project's network ${describeNetwork(n)}.`;
  }
  return out;
}
