// Pure parsers of what the external tools print on stderr, turning it into messages.

import type { ToolMessage } from './tools';

const lines = (stderr: string) => stderr.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== '');

/**
 * genisoimage / mkisofs (cdrkit): `genisoimage: No such file or directory. Invalid node - 'x'.`,
 * `Warning: ...`, `Using NAME000.;1 for ...`, and progress lines, which are dropped.
 */
export function parseGenisoimageStderr(stderr: string): ToolMessage[] {
  const out: ToolMessage[] = [];
  for (const line of lines(stderr)) {
    if (/^\s*\d+(\.\d+)?% done/.test(line) || /^Total (translation table|extents|directory)/.test(line) || /^Path table size/.test(line) || /^Max brk space/.test(line) || /^\d+ extents written/.test(line)) continue;
    const quoted = /'([^']+)'/.exec(line)?.[1] ?? /\(([^)]+)\) encountered/.exec(line)?.[1];
    const text = line.replace(/^(genisoimage|mkisofs|xorrisofs): /, '');
    let severity: ToolMessage['severity'] = 'error';
    if (/^(Warning|WARNING)\b/.test(text) || /^Using .* for /.test(text)) severity = 'warning';
    else if (/^(I:|Info\b|Note\b)/i.test(text) || /^Setting input-charset/.test(text)) severity = 'information';
    out.push(quoted ? { severity, message: text, file: quoted } : { severity, message: text });
  }
  return out;
}

/** xorriso / libisofs: `xorriso : FAILURE : text` or `libisofs: WARNING : text`. */
export function parseXorrisoStderr(stderr: string): ToolMessage[] {
  const out: ToolMessage[] = [];
  for (const line of lines(stderr)) {
    const m = /^(xorriso|libisofs|libburn|libisoburn)\s*:\s*([A-Z]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, , level, text] = m;
    if (level === 'UPDATE' || level === 'DEBUG' || level === 'ALL') continue;
    const severity: ToolMessage['severity'] =
      ['FATAL', 'ABORT', 'FAILURE', 'SORRY', 'ERRFILE'].includes(level) ? 'error'
      : ['WARNING', 'MISHAP'].includes(level) ? 'warning'
      : 'information';
    // libisofs says a symlink cannot go into the Joliet tree: it is in the Rock Ridge tree,
    // which Linux reads; Joliet (Windows) has no symlinks, as with genisoimage and our writer.
    const link = /^Cannot add (.+) to Joliet tree\. Symlinks can only be added to a Rock Ridge tree\.$/.exec(text)?.[1];
    if (link) {
      out.push({ severity: 'information', message: `${link} is a symbolic link: in the Rock Ridge tree, not in the Joliet tree (Joliet has no symbolic links)`, file: link });
      continue;
    }
    const file = /'([^']+)'/.exec(text)?.[1];
    out.push(file ? { severity, message: text, file } : { severity, message: text });
  }
  return out;
}

/** qemu-img: `qemu-img: FILE: message` (the file part is optional). */
export function parseQemuImgStderr(stderr: string): ToolMessage[] {
  return lines(stderr).map((line) => {
    const text = line.replace(/^qemu-img: /, '');
    const m = /^([^:]+\.(?:qcow2|raw|img|iso)): (.*)$/.exec(text);
    const severity: ToolMessage['severity'] = /^warning:/i.test(text) ? 'warning' : 'error';
    return m ? { severity, message: m[2], file: m[1] } : { severity, message: text };
  });
}
