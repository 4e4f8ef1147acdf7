// The text edits behind "Generate UUID" and "Set MAC from IP": minimal changes that keep the
// user's formatting (a new element copies the indentation of its neighbours).
import { UserError } from '../common/errors';
import type { TextEdit } from '../common/diagnostic';
import { attribute, childElements, parseXml, type XmlDocument, type XmlElement } from '../xml/parse';
import { formatIPv4, ipFromMac, macFromIp, parseIPv4 } from '../network/ipv4';
import { macPrefix } from '../validation/domain/rules/macAddressing';
import { newUuid } from '../validation/domain/rules/duplicateRules';

function parseDomain(text: string): XmlDocument & { root: XmlElement } {
  const doc = parseXml(text);
  if (!doc.root || doc.root.local !== 'domain') throw new UserError('this file is not a libvirt domain template (its root element is not <domain>)');
  if (doc.error) throw new UserError(`fix the XML first: ${doc.error.message}`);
  return doc as XmlDocument & { root: XmlElement };
}

/** Indentation of the line holding `offset`. */
function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Replaces the <uuid> text, or adds <uuid> after <name>. */
export function generateUuidEdit(text: string, uuid = newUuid()): TextEdit {
  const doc = parseDomain(text);
  const r = (s: number, e: number) => doc.lines.rangeOf(s, e);
  const existing = childElements(doc.root).find((c) => c.local === 'uuid');
  if (existing) {
    const start = existing.startTag.end;
    const end = existing.endTag?.start ?? start;
    return { range: r(start, end), newText: uuid };
  }
  const name = childElements(doc.root).find((c) => c.local === 'name');
  const after = name ?? undefined;
  if (after) {
    return { range: r(after.span.end, after.span.end), newText: `${eol(text)}${indentAt(text, after.span.start)}<uuid>${uuid}</uuid>` };
  }
  const at = doc.root.startTag.end;
  return { range: r(at, at), newText: `${eol(text)}${indentAt(text, doc.root.span.start)}  <uuid>${uuid}</uuid>` };
}

/** The <interface> that holds `offset`, else the template's first one. */
function interfaceAt(root: XmlElement, offset: number): XmlElement | undefined {
  const interfaces = childElements(root)
    .filter((c) => c.local === 'devices')
    .flatMap((d) => childElements(d).filter((c) => c.local === 'interface'));
  return interfaces.find((i) => offset >= i.span.start && offset <= i.span.end) ?? interfaces[0];
}

function macAddressOf(iface: XmlElement) {
  const macEl = childElements(iface).find((c) => c.local === 'mac');
  return macEl && attribute(macEl, 'address');
}

/** The IPv4 address the MAC of the interface at `offset` encodes (to prefill "Set MAC from IP"). */
export function ipAtInterface(text: string, offset: number): string | undefined {
  const doc = parseXml(text);
  if (!doc.root || doc.root.local !== 'domain') return undefined;
  const iface = interfaceAt(doc.root, offset);
  const mac = iface && macAddressOf(iface)?.value;
  const ip = mac === undefined ? undefined : ipFromMac(mac);
  return ip === undefined ? undefined : formatIPv4(ip);
}

/** Sets the MAC of the interface at `offset` (else the first interface) to encode `ipText`. */
export function setMacFromIpEdit(text: string, offset: number, ipText: string): { edit: TextEdit; mac: string } {
  const ip = parseIPv4(ipText.trim());
  if (ip === undefined) throw new UserError(`'${ipText}' is not an IPv4 address`, 'Write four numbers 0-255 separated by dots, e.g. 192.168.122.17.');
  const doc = parseDomain(text);
  const iface = interfaceAt(doc.root, offset);
  if (!iface) throw new UserError('this template has no <interface> to give a MAC to');
  const address = macAddressOf(iface);
  const mac = macFromIp(ip, macPrefix(address?.value));
  const r = (s: number, e: number) => doc.lines.rangeOf(s, e);
  if (address) return { edit: { range: r(address.valueSpan.start, address.valueSpan.end), newText: mac }, mac };
  // No <mac> yet: add one as the interface's first child, indented like its children.
  const first = childElements(iface)[0];
  const indent = first ? indentAt(text, first.span.start) : `${indentAt(text, iface.span.start)}  `;
  const at = iface.startTag.end;
  if (iface.selfClosing) throw new UserError('the <interface> is empty (<interface/>); give it a type and a source first');
  return { edit: { range: r(at, at), newText: `${eol(text)}${indent}<mac address='${mac}'/>` }, mac };
}

