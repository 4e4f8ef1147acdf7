// user-data: its first line decides how cloud-init treats it (cloud-init's "starts with"
// table); a file it cannot classify is ignored without a word, so that is an error here.
// A #cloud-config body is YAML checked against cloud-init's schema.
import { diagnostic, type Diagnostic, type Fix } from '../common/diagnostic';
import { closestMatch } from '../common/suggest';
import { LineIndex } from '../common/text';
import { SOURCE, type CloudInitContext } from './cloudInitTypes';
import { schemaDiagnostics } from './schemaDiagnostics';
import { parseYaml } from './yamlText';
import type { DiagnosticCode } from '../common/diagnosticCodes';

export type UserDataType =
  | 'cloud-config'
  | 'cloud-config-archive'
  | 'cloud-config-jsonp'
  | 'script'
  | 'include'
  | 'include-once'
  | 'boothook'
  | 'part-handler'
  | 'jinja'
  | 'mime'
  | 'gzip'
  | 'empty'
  | 'unknown';

/** cloud-init's header prefixes (cloudinit/handlers INCLUSION_TYPES_MAP), longest first as it tries them. */
export const USER_DATA_HEADERS: ReadonlyArray<{ prefix: string; type: UserDataType; mime: string; description: string }> = [
  { prefix: '#cloud-config-archive', type: 'cloud-config-archive', mime: 'text/cloud-config-archive', description: 'A YAML list of parts, each with its type and content.' },
  { prefix: '#cloud-config-jsonp', type: 'cloud-config-jsonp', mime: 'text/cloud-config-jsonp', description: 'A JSON patch applied to the merged cloud-config.' },
  { prefix: '## template: jinja', type: 'jinja', mime: 'text/jinja2', description: 'A Jinja template rendered with the instance data; its second line is the header of the result.' },
  { prefix: '#cloud-boothook', type: 'boothook', mime: 'text/cloud-boothook', description: 'A script run early at every boot, before the network is up.' },
  { prefix: '#include-once', type: 'include-once', mime: 'text/x-include-once-url', description: 'URLs (one a line) whose content is fetched once and used as user-data.' },
  { prefix: '#part-handler', type: 'part-handler', mime: 'text/part-handler', description: 'Python code handling custom part types.' },
  { prefix: '#cloud-config', type: 'cloud-config', mime: 'text/cloud-config', description: 'YAML configuration of cloud-init modules (users, packages, write_files, runcmd…).' },
  { prefix: '#include', type: 'include', mime: 'text/x-include-url', description: 'URLs (one a line) whose content is fetched and used as user-data.' },
  { prefix: '#!', type: 'script', mime: 'text/x-shellscript', description: 'A script run once, late in the first boot (like rc.local).' },
];

/** MIME part types cloud-init handles (its handlers, plus the x-shellscript-per-* variants). */
const MIME_TYPES = new Set([
  ...USER_DATA_HEADERS.map((h) => h.mime),
  'text/x-shellscript-per-boot',
  'text/x-shellscript-per-instance',
  'text/x-shellscript-per-once',
  'text/plain',
]);

/** How cloud-init classifies this user-data (from its first bytes, as cloud-init does). */
export function userDataType(text: string): UserDataType {
  // gzip's magic 1f 8b (8b reads as U+FFFD once decoded as UTF-8).
  if (text.charCodeAt(0) === 0x1f && (text.charCodeAt(1) === 0x8b || text.charCodeAt(1) === 0xfffd)) return 'gzip';
  if (text.trim() === '') return 'empty';
  if (text.slice(0, 4096).toLowerCase().includes('mime-version:')) return 'mime';
  for (const h of USER_DATA_HEADERS) if (text.startsWith(h.prefix)) return h.type;
  return 'unknown';
}

const diag = (code: DiagnosticCode, severity: Diagnostic['severity'], message: string, at: Diagnostic['range'], fixes?: Fix[]) =>
  diagnostic(code, severity, message, at, { source: SOURCE, ...(fixes ? { fixes } : {}) });

/** Input the checks cannot look into is said, never skipped silently. */
const unchecked = (message: string, at: Diagnostic['range']) => diag('cloudinit-userdata-unchecked', 'information', message, at);

/** Every problem of a user-data file. `context` is unused for now: user-data has no cross-file rules. */
export function userDataDiagnostics(text: string, context: CloudInitContext = {}): Diagnostic[] {
  void context;
  const lines = new LineIndex(text);
  return checkPart(text, lines, 0);
}

/** Checks `text`, a whole file or one MIME part starting at offset `base` of the file. */
function checkPart(text: string, lines: LineIndex, base: number): Diagnostic[] {
  const first = text.split(/\r?\n|\r/, 1)[0];
  const firstRange = lines.rangeOf(base, base + Math.max(first.length, 1));
  const type = base === 0 ? userDataType(text) : headerType(text);
  switch (type) {
    case 'empty':
      return [diag('cloudinit-userdata-empty', 'warning', 'user-data is empty: cloud-init configures nothing from it (start it with #cloud-config)', firstRange)];
    case 'gzip':
      return [unchecked('user-data is gzip-compressed: cloud-init decompresses it, vm-context does not check its content', firstRange)];
    case 'unknown':
      return [unknownHeader(text, first, firstRange)];
    case 'cloud-config':
      return checkCloudConfig(text, lines, base);
    case 'include':
    case 'include-once':
      return checkInclude(text, lines, base);
    case 'jinja':
      return checkJinja(text, lines, base);
    case 'mime':
      return checkMime(text, lines);
    case 'cloud-config-archive': {
      const parsed = parseYaml(text, lines, base);
      if (parsed.diagnostics.length || Array.isArray(parsed.data)) return parsed.diagnostics;
      return [diag('cloudinit-schema-type', 'error', '#cloud-config-archive must hold a YAML list of parts', firstRange)];
    }
    default:
      return [];
  }
}

function headerType(text: string): UserDataType {
  for (const h of USER_DATA_HEADERS) if (text.startsWith(h.prefix)) return h.type;
  return text.trim() === '' ? 'empty' : 'unknown';
}

function unknownHeader(text: string, first: string, firstRange: Diagnostic['range']): Diagnostic {
  const insert: Fix = { title: 'Insert the #cloud-config header', edits: [{ range: { start: firstRange.start, end: firstRange.start }, newText: '#cloud-config\n' }], preferred: true };
  if (text.charCodeAt(0) === 0xfeff) {
    const at = { start: firstRange.start, end: { line: firstRange.start.line, character: firstRange.start.character + 1 } };
    return diag('cloudinit-userdata-header', 'error', 'user-data starts with a byte-order mark: cloud-init does not recognise the header after it and ignores the file; save it as UTF-8 without BOM', at, [
      { title: 'Remove the byte-order mark', edits: [{ range: at, newText: '' }], preferred: true },
    ]);
  }
  const prefixes = USER_DATA_HEADERS.map((h) => h.prefix).filter((p) => !p.includes(' '));
  // "# cloud-config", "#Cloud-Config", "#cloud-confg": a header meant and mistyped.
  const squeezed = first.trim().replace(/^#\s+/, '#');
  const guess = first.startsWith('#') ? closestMatch(squeezed.split(/\s+/)[0], prefixes) ?? (/^##\s*template\s*:\s*jinja/i.test(first) ? '## template: jinja' : undefined) : undefined;
  if (guess) {
    return diag(
      'cloudinit-userdata-header',
      'error',
      `unknown user-data header '${first.trim()}'; did you mean '${guess}'? cloud-init ignores user-data it cannot classify`,
      firstRange,
      [{ title: `Replace with ${guess}`, edits: [{ range: firstRange, newText: guess }], preferred: true }],
    );
  }
  const looksLikeYaml = /^[A-Za-z_][\w-]*\s*:/.test(first) || (first.startsWith('#') && /^[A-Za-z_][\w-]*\s*:/m.test(text));
  return diag(
    'cloudinit-userdata-header',
    'error',
    `user-data has no header line cloud-init knows, so cloud-init ignores the whole file; start it with #cloud-config (YAML configuration) or #! (a script)${looksLikeYaml ? '; this looks like cloud-config YAML' : ''}`,
    firstRange,
    looksLikeYaml ? [insert] : undefined,
  );
}

function checkCloudConfig(text: string, lines: LineIndex, base: number): Diagnostic[] {
  const parsed = parseYaml(text, lines, base);
  const out = [...parsed.diagnostics];
  if (parsed.data === undefined) return out;
  // An empty #cloud-config is valid (it configures nothing); anything else must be a mapping.
  if (parsed.data === null) return out;
  if (typeof parsed.data !== 'object' || Array.isArray(parsed.data)) {
    const d = parsed.doc.contents?.range;
    out.push(diag('cloudinit-schema-type', 'error', `#cloud-config must hold a YAML mapping (key: value lines), not ${Array.isArray(parsed.data) ? 'a list' : 'a single value'}`, d ? parsed.rangeOf(d[0], d[1]) : parsed.rangeOf(0, 1)));
    return out;
  }
  out.push(...schemaDiagnostics('cloud-config', parsed, 'the cloud-config'));
  return out;
}

function checkInclude(text: string, lines: LineIndex, base: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const t = line.replace(/\r$/, '').trim();
    if (t && !t.startsWith('#') && !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(t)) {
      const start = base + offset + line.indexOf(t);
      out.push(diag('cloudinit-include-url', 'error', `'${t}' is not a URL: each line of an #include is a URL cloud-init fetches (e.g. https://example.com/user-data)`, lines.rangeOf(start, start + t.length)));
    }
    offset += line.length + 1;
  }
  return out;
}

function checkJinja(text: string, lines: LineIndex, base: number): Diagnostic[] {
  const nl = text.indexOf('\n');
  const rest = nl < 0 ? '' : text.slice(nl + 1);
  const restBase = base + (nl < 0 ? text.length : nl + 1);
  const restFirst = rest.split(/\r?\n/, 1)[0];
  const at = lines.rangeOf(restBase, restBase + Math.max(restFirst.length, 1));
  if (headerType(rest) === 'unknown' || headerType(rest) === 'empty' || headerType(rest) === 'jinja') {
    return [diag('cloudinit-userdata-header', 'error', 'after "## template: jinja" the second line must be the header of the rendered user-data, e.g. #cloud-config', at)];
  }
  // The body is checked only when nothing in it is Jinja: rendering needs the instance's data.
  if (/\{\{|\{%|\{#/.test(rest)) return [unchecked('a Jinja template: its body is checked only once rendered (on the guest, with its instance data)', at)];
  return checkPart(rest, lines, restBase);
}

interface MimePart {
  headers: Map<string, string>;
  body: string;
  bodyStart: number;
  start: number;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last = '';
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) headers.set(last, headers.get(last) + ' ' + line.trim());
    else {
      const m = /^([^:\s]+)\s*:\s*(.*)$/.exec(line);
      if (m) headers.set((last = m[1].toLowerCase()), m[2].trim());
    }
  }
  return headers;
}

function checkMime(text: string, lines: LineIndex): Diagnostic[] {
  const headEnd = text.search(/\r?\n\r?\n/);
  const headers = parseHeaders(headEnd < 0 ? text : text.slice(0, headEnd));
  const ctype = headers.get('content-type') ?? '';
  const top = lines.rangeOf(0, Math.max(text.indexOf('\n'), 1));
  const boundary = /boundary\s*=\s*"?([^";]+)"?/i.exec(ctype)?.[1];
  if (!/^multipart\//i.test(ctype) || !boundary) {
    return [diag('cloudinit-mime-invalid', 'error', 'MIME user-data needs a "Content-Type: multipart/mixed; boundary=…" header; cloud-init cannot split it into parts otherwise', top)];
  }
  const out: Diagnostic[] = [];
  const parts: MimePart[] = [];
  const delimiter = `--${boundary}`;
  let pos = text.indexOf(delimiter);
  let closed = false;
  while (pos >= 0) {
    const lineEnd = text.indexOf('\n', pos);
    if (text.startsWith(`${delimiter}--`, pos)) {
      closed = true;
      break;
    }
    if (lineEnd < 0) break;
    const next = text.indexOf(`\n${delimiter}`, lineEnd);
    const end = next < 0 ? text.length : next + 1;
    const chunk = text.slice(lineEnd + 1, end);
    const sep = chunk.search(/\r?\n\r?\n/);
    const skip = sep < 0 ? chunk.length : sep + (chunk.slice(sep).startsWith('\r\n\r\n') ? 4 : 2);
    const body = chunk.slice(skip).replace(/\r?\n$/, '');
    parts.push({ headers: parseHeaders(sep < 0 ? chunk : chunk.slice(0, sep)), body, bodyStart: lineEnd + 1 + skip, start: pos });
    pos = next < 0 ? -1 : next + 1;
  }
  if (!parts.length) out.push(diag('cloudinit-mime-invalid', 'error', `MIME user-data has no part delimited by ${delimiter}`, top));
  else if (!closed) out.push(diag('cloudinit-mime-invalid', 'warning', `MIME user-data never closes with ${delimiter}--`, lines.rangeOf(text.length, text.length)));
  for (const p of parts) {
    const type = (p.headers.get('content-type') ?? 'text/plain').split(';')[0].trim().toLowerCase();
    const at = lines.rangeOf(p.start, p.start + delimiter.length);
    if (!MIME_TYPES.has(type)) {
      out.push(diag('cloudinit-mime-part-type', 'error', `MIME part of type ${type}: cloud-init has no handler for it and ignores the part (known: ${[...MIME_TYPES].sort().join(', ')})`, at));
      continue;
    }
    if ((p.headers.get('content-transfer-encoding') ?? '').toLowerCase() === 'base64') {
      out.push(unchecked(`this ${type} part is base64-encoded: vm-context does not check its content`, at));
      continue;
    }
    if (type === 'text/cloud-config') {
      // The part's own #cloud-config line is optional in MIME: the content type says what it is.
      out.push(...checkCloudConfig(p.body, lines, p.bodyStart));
    } else if (type === 'text/jinja2') out.push(...checkJinja(p.body, lines, p.bodyStart));
  }
  return out;
}
