// Completion in common/network: keys (from the schema) at the start of a line, and values
// computed from the rest of the file (NETWORK from GATEWAY and NETMASK, the usual netmasks…).
import type { Position } from '../common/diagnostic';
import { LineIndex } from '../common/text';
import { commonNetmasks, snippetText, wordBounds, type CompletionItem } from './assist';
import { broadcastOf, formatIPv4, netmaskPrefix, networkOf } from './ipv4';
import { parseNetworkFile, networkSettingsOf } from './networkFile';
import { networkSchema } from './schemas';

const KEY_LINE = /^\s*(?:export\s+)?[A-Za-z0-9_]*$/;
const VALUE_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=["']?(?:[^"']*\s)?[^"'\s]*$/;

export function networkCompletions(text: string, at: Position): CompletionItem[] {
  const lines = new LineIndex(text);
  if (at.line >= lines.lineCount) return [];
  const line = lines.lineText(at.line);
  const before = line.slice(0, at.character);
  const file = parseNetworkFile(text);

  if (KEY_LINE.test(before)) {
    const b = wordBounds(line, at.character, /[A-Za-z0-9_]/);
    const range = { start: { line: at.line, character: b.start }, end: { line: at.line, character: b.end } };
    const setElsewhere = new Set(file.assignments.filter((a) => lines.positionAt(a.keyStart).line !== at.line).map((a) => a.key));
    const suggested = suggestedValues(text);
    return Object.entries(networkSchema.keys)
      .filter(([key]) => !setElsewhere.has(key))
      .map(([key, schema], i) => ({
        label: key,
        kind: 'property' as const,
        detail: `${schema.description}${networkSchema.required.includes(key) ? ' (required)' : ''}`,
        documentation: schema.markdownDescription,
        insertText: `${key}=\${1:${snippetText(suggested.get(key)?.[0] ?? schema.examples[0] ?? '')}}`,
        snippet: true,
        range,
        sortText: String(i).padStart(2, '0'),
      }));
  }

  const m = VALUE_LINE.exec(before);
  if (!m) return [];
  const key = m[1];
  const b = wordBounds(line, at.character, /[^\s"'=]/);
  const range = { start: { line: at.line, character: b.start }, end: { line: at.line, character: b.end } };
  const items: CompletionItem[] = [];
  for (const value of suggestedValues(text).get(key) ?? []) {
    items.push({ label: value, kind: 'value', detail: 'computed from this file', insertText: value, range, sortText: `0${items.length}` });
  }
  if (networkSchema.keys[key]?.valueType === 'netmask') {
    for (const n of commonNetmasks()) {
      if (items.some((i) => i.label === n.mask)) continue;
      items.push({ label: n.mask, kind: 'value', detail: `/${n.prefix}, ${n.hosts.toLocaleString('en-US')} hosts`, insertText: n.mask, range, sortText: `1${String(n.prefix).padStart(2, '0')}` });
    }
  }
  return items;
}

/** Values each key should have given the others (first is the most likely). */
function suggestedValues(text: string): Map<string, string[]> {
  const s = networkSettingsOf(parseNetworkFile(text));
  const out = new Map<string, string[]>();
  const validMask = s.netmask !== undefined && netmaskPrefix(s.netmask) !== undefined ? s.netmask : undefined;
  const base = s.network ?? s.gateway;
  if (validMask !== undefined && base !== undefined) {
    const net = networkOf(base, validMask);
    if (s.gateway !== undefined) out.set('NETWORK', [formatIPv4(networkOf(s.gateway, validMask))]);
    else out.set('NETWORK', [formatIPv4(net)]);
    out.set('BROADCAST', [formatIPv4(broadcastOf(net, validMask))]);
    if ((netmaskPrefix(validMask) ?? 32) < 31) out.set('GATEWAY', [formatIPv4((net + 1) >>> 0)]);
  }
  if (s.gateway !== undefined) out.set('NAMESERVER', [formatIPv4(s.gateway)]);
  if (s.domain) out.set('SEARCH', [s.domain]);
  return out;
}
