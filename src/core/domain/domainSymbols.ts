// The outline of a domain template: its main settings and one entry per device, labelled
// with what tells devices apart (target, source, MAC and its IP).
import type { Range } from '../common/diagnostic';
import { attribute, childElements, parseXml, textContent, type XmlDocument, type XmlElement } from '../xml/parse';
import { formatIPv4, ipFromMac } from '../network/ipv4';

export interface DomainSymbol {
  name: string;
  detail: string;
  kind: 'domain' | 'setting' | 'devices' | 'device';
  range: Range;
  selectionRange: Range;
  children: DomainSymbol[];
}

export function domainSymbols(text: string): DomainSymbol[] {
  const doc = parseXml(text);
  const root = doc.root;
  if (!root || root.local !== 'domain') return [];
  const name = childElements(root).find((c) => c.local === 'name');
  const top = symbol(doc, root, name ? textContent(name).trim() || 'domain' : 'domain', `${attribute(root, 'type')?.value ?? ''} domain`.trim(), 'domain');
  for (const c of childElements(root)) {
    if (c.local === 'devices') {
      const devices = symbol(doc, c, 'devices', `${childElements(c).length} devices`, 'devices');
      devices.children = childElements(c).map((d) => symbol(doc, d, d.local, deviceDetail(d), 'device'));
      top.children.push(devices);
    } else top.children.push(symbol(doc, c, c.local, settingDetail(c), 'setting'));
  }
  return [top];
}

function symbol(doc: XmlDocument, el: XmlElement, name: string, detail: string, kind: DomainSymbol['kind']): DomainSymbol {
  return { name, detail, kind, range: doc.lines.rangeOf(el.span.start, el.span.end), selectionRange: doc.lines.rangeOf(el.nameSpan.start, el.nameSpan.end), children: [] };
}

const child = (el: XmlElement, name: string) => childElements(el).find((c) => c.local === name);
const attr = (el: XmlElement | undefined, name: string) => (el ? attribute(el, name)?.value : undefined);

function settingDetail(el: XmlElement): string {
  const text = textContent(el).trim();
  const unit = attr(el, 'unit');
  if (text && childElements(el).length === 0) return unit ? `${text} ${unit}` : text;
  return el.attributes.map((a) => `${a.name}=${a.value}`).join(' ');
}

function deviceDetail(d: XmlElement): string {
  const parts: string[] = [];
  switch (d.local) {
    case 'disk': {
      const target = child(d, 'target');
      const source = child(d, 'source');
      parts.push(attr(d, 'device') ?? 'disk', attr(target, 'dev') ?? '', attr(target, 'bus') ? `(${attr(target, 'bus')})` : '');
      parts.push(attr(source, 'file') ?? attr(source, 'dev') ?? '');
      break;
    }
    case 'interface': {
      const mac = attr(child(d, 'mac'), 'address');
      const ip = mac ? ipFromMac(mac) : undefined;
      parts.push(attr(d, 'type') ?? '', attr(child(d, 'source'), 'bridge') ?? attr(child(d, 'source'), 'network') ?? '', mac ?? '', ip !== undefined ? `→ ${formatIPv4(ip)}` : '');
      break;
    }
    case 'emulator':
      parts.push(textContent(d).trim());
      break;
    default:
      parts.push(attr(d, 'type') ?? attr(d, 'model') ?? attr(child(d, 'model'), 'type') ?? '');
  }
  return parts.filter(Boolean).join(' ');
}
