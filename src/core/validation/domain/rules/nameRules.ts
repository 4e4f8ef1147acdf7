// The domain's <name> as libvirt takes it: the whole text of the element (XPath string(), no
// trimming). libvirt 9 refuses a name that is empty ("missing name information"), holds a '/'
// ("name … cannot contain '/'") or a line break ("invalid char in name"); the name also becomes
// file names (the overlay build/overlays/<name>.qcow2, libvirt's /etc/libvirt/qemu/<name>.xml).
import { diagnostic, type Diagnostic } from '../../../common/diagnostic';
import { findAll, textContent } from '../../../xml/parse';
import { SOURCE, type DomainRule } from './ruleInput';

/** The longest file name Linux file systems take, in bytes. */
const NAME_MAX = 255;

export const domainNameRule: DomainRule = ({ doc, info }) => {
  const el = doc.root && findAll(doc.root, ['name'])[0];
  if (!el) return []; // a missing <name> is the schema's to report
  const raw = textContent(el);
  const at = info.name?.range ?? doc.lines.rangeOf(el.nameSpan.start, el.nameSpan.end);
  const out: Diagnostic[] = [];
  const invalid = (message: string, fix?: string) =>
    out.push(diagnostic('domain-name-invalid', 'error', message, at, { source: SOURCE, ...(fix !== undefined && fix !== '' ? { fixes: [{ title: `Rename to ${fix}`, edits: [{ range: at, newText: fix }], preferred: true }] } : {}) }));
  const name = raw.trim();
  if (name === '') {
    invalid('the VM has an empty <name>: libvirt refuses it ("missing name information")');
    return out;
  }
  if (name.includes('/')) {
    invalid(`the name "${name}" contains '/': libvirt refuses it ("name ${name} cannot contain '/'"), and the build would write the overlay outside its folder`);
  }
  if (/[\n\r]/.test(name)) invalid('the name spans several lines: libvirt refuses a line break in a name ("invalid char in name")', name.replace(/\s*[\r\n]+\s*/g, '-'));
  else if (raw !== name) {
    invalid(`the name "${raw.replace(/\n/g, '\\n')}" has ${/^\s/.test(raw) ? 'leading' : 'trailing'} white space: libvirt keeps it as part of the name, while vmctx, its overlay and virsh commands use "${name}"; remove it`);
    // The fix replaces the whole content, spaces included.
    const content = el.children.filter((c) => c.kind === 'text');
    if (content.length) {
      const first = content[0].span.start;
      const last = content[content.length - 1].span.end;
      out[out.length - 1].fixes = [{ title: `Rename to ${name}`, edits: [{ range: doc.lines.rangeOf(first, last), newText: name }], preferred: true }];
    }
  }
  if (new TextEncoder().encode(`${name}.qcow2`).length > NAME_MAX) {
    invalid(`the name is ${name.length} characters long: its overlay ${name.slice(0, 12)}….qcow2 and libvirt's ${name.slice(0, 12)}….xml exceed the ${NAME_MAX}-byte limit of a file name`);
  }
  if (out.length === 0 && /^[-.]/.test(name)) {
    const why = name.startsWith('-') ? 'commands that take the name as an argument (shell scripts, qemu-img, virsh) may read it as an option' : `its overlay ${name}.qcow2 is a hidden file`;
    out.push(diagnostic('domain-name-risky', 'warning', `the name "${name}" starts with '${name[0]}': libvirt takes it, but ${why}; start it with a letter or digit`, at, { source: SOURCE }));
  }
  return out;
};
