// What the project needs to know of one libvirt domain template: plain data with ranges,
// extracted from the parsed XML (the full document stays with the validators).
import type { Range } from '../common/diagnostic';
import { attribute, textContent, type XmlDocument, type XmlElement, type XmlText } from '../xml/parse';
import { ownString } from '../common/text';

/** Bigger files are not templates: they are not parsed, checked, built or deployed (an error says so). */
export const MAX_TEMPLATE_BYTES = 2 * 1024 * 1024;

export interface Located<T> {
  value: T;
  range: Range;
}

export interface TemplateDisk {
  /** `disk`, `cdrom`, `floppy` or `lun`. */
  device: string;
  source?: Located<string>;
  driverType?: Located<string>;
  bus?: Located<string>;
  targetDev?: Located<string>;
  range: Range;
}

export interface TemplateInterface {
  type: string;
  mac?: Located<string>;
  bridge?: Located<string>;
  network?: Located<string>;
  range: Range;
}

export interface TemplateInfo {
  /** Absolute path of the template file. */
  file: string;
  /** True when the root element is `<domain>` (other XML files are not templates). */
  isDomain: boolean;
  wellFormed: boolean;
  name?: Located<string>;
  uuid?: Located<string>;
  domainType?: string;
  /** The `machine` attribute of `<os><type>`, e.g. `pc-q35-7.2` or `pc`. */
  machine?: string;
  disks: TemplateDisk[];
  interfaces: TemplateInterface[];
}

// Documents are cached by text and never mutated, so one template's info is computed once per
// text (the loader, overlays and the validator all ask). Infos are read-only for callers.
const described = new WeakMap<XmlDocument, Map<string, TemplateInfo>>();

export function describeTemplate(file: string, doc: XmlDocument): TemplateInfo {
  let byFile = described.get(doc);
  if (!byFile) described.set(doc, (byFile = new Map()));
  let info = byFile.get(file);
  if (!info) byFile.set(file, (info = describeUncached(file, doc)));
  return info;
}

function describeUncached(file: string, doc: XmlDocument): TemplateInfo {
  const root = doc.root;
  const info: TemplateInfo = {
    file,
    // A start tag of <domain> so broken that the parse has no root (a duplicate or unbound
    // attribute, an unfinished tag) is still a template: dropped, its VM would vanish from the
    // check, the build and the deploy without a word, its error with it.
    isDomain: root ? root.local === 'domain' : doc.error !== undefined && sniffRootElement(doc.text) === 'domain',
    wellFormed: !doc.error,
    disks: [],
    interfaces: [],
  };
  if (!root || root.local !== 'domain') return info;
  const r = (s: { start: number; end: number }) => doc.lines.rangeOf(s.start, s.end);
  const attr = (el: XmlElement | undefined, name: string): Located<string> | undefined => {
    const a = el && attribute(el, name);
    return a ? { value: ownString(a.value), range: r(a.valueSpan) } : undefined;
  };
  const text = (el: XmlElement | undefined): Located<string> | undefined => {
    if (!el) return undefined;
    const t = el.children.find((c): c is XmlText => c.kind === 'text' && c.value.trim() !== '');
    const value = ownString(textContent(el).trim());
    if (!t) return { value, range: r(el.nameSpan) };
    // Point at the trimmed text itself, not the surrounding whitespace.
    const lead = t.value.length - t.value.trimStart().length;
    const start = t.span.start + (t.span.end - t.span.start === t.value.length ? lead : 0);
    const end = t.span.end - t.span.start === t.value.length ? start + t.value.trim().length : t.span.end;
    return { value, range: r({ start, end }) };
  };

  // Every string kept is a copy (ownString): the parser's values are views into the document's text.
  const own = (v: string | undefined) => (v === undefined ? undefined : ownString(v));
  info.domainType = own(attribute(root, 'type')?.value);
  // One pass over the root's children and those of <os> and <devices> (what findAll would give
  // for name, uuid, os/type, devices/disk and devices/interface, in document order): a fleet's
  // thousand descriptions made five walks and their arrays each.
  let name: XmlElement | undefined;
  let uuid: XmlElement | undefined;
  let osType: XmlElement | undefined;
  const disks: XmlElement[] = [];
  const interfaces: XmlElement[] = [];
  for (const c of root.children) {
    if (c.kind !== 'element') continue;
    if (c.local === 'name') name ??= c;
    else if (c.local === 'uuid') uuid ??= c;
    else if (c.local === 'os') osType ??= firstChild(c, 'type');
    else if (c.local === 'devices') {
      for (const d of c.children) {
        if (d.kind !== 'element') continue;
        if (d.local === 'disk') disks.push(d);
        else if (d.local === 'interface') interfaces.push(d);
      }
    }
  }
  info.name = text(name);
  info.uuid = text(uuid);
  info.machine = own(osType && attribute(osType, 'machine')?.value);
  for (const d of disks) {
    const source = firstChild(d, 'source');
    const target = firstChild(d, 'target');
    const driver = firstChild(d, 'driver');
    info.disks.push({
      device: own(attribute(d, 'device')?.value) ?? 'disk',
      source: attr(source, 'file') ?? attr(source, 'dev') ?? attr(source, 'volume'),
      driverType: attr(driver, 'type'),
      bus: attr(target, 'bus'),
      targetDev: attr(target, 'dev'),
      range: r(d.span),
    });
  }
  for (const i of interfaces) {
    const mac = firstChild(i, 'mac');
    const source = firstChild(i, 'source');
    info.interfaces.push({
      type: own(attribute(i, 'type')?.value) ?? '',
      mac: attr(mac, 'address'),
      bridge: attr(source, 'bridge'),
      network: attr(source, 'network'),
      range: r(i.span),
    });
  }
  return info;
}

/** The first child element named `local`. */
function firstChild(el: XmlElement, local: string): XmlElement | undefined {
  for (const c of el.children) if (c.kind === 'element' && c.local === local) return c;
  return undefined;
}

/** Root element name sniffed from a file's first bytes, without parsing the whole file. */
export function sniffRootElement(head: string): string | undefined {
  let s = head.replace(/^\uFEFF/, '');
  for (;;) {
    s = s.trimStart();
    if (s.startsWith('<?')) s = s.slice(s.indexOf('?>') + 2 || s.length);
    else if (s.startsWith('<!--')) {
      const e = s.indexOf('-->');
      if (e < 0) return undefined;
      s = s.slice(e + 3);
    } else if (s.startsWith('<!DOCTYPE')) {
      const e = s.search(/\]\s*>|^<!DOCTYPE[^[]*?>/);
      const close = s.indexOf('>', Math.max(e, 0));
      if (close < 0) return undefined;
      s = s.slice(close + 1);
    } else break;
  }
  const m = /^<([A-Za-z_][\w.:-]*)/.exec(s);
  if (!m) return undefined;
  const name = m[1];
  return name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
}
