// Hover in common/network: a key's documentation from the schema; for a value, what the
// address or netmask means relative to the network the file describes.
import type { Position } from '../common/diagnostic';
import { LineIndex } from '../common/text';
import { describeAddress, describeNetmask } from './addressInfo';
import type { HoverInfo } from './assist';
import { parseIPv4 } from './ipv4';
import { listItems, networkSettingsOf, parseNetworkFile } from './networkFile';
import { networkSchema } from './schemas';

export function networkHover(text: string, at: Position): HoverInfo | undefined {
  const lines = new LineIndex(text);
  const offset = lines.offsetAt(at);
  if (at.line >= lines.lineCount) return undefined;
  const file = parseNetworkFile(text);
  const a = file.assignments.find((x) => x.keyStart <= offset && offset <= x.valueEnd);
  if (!a) return undefined;
  const schema = networkSchema.keys[a.key];
  if (offset <= a.keyEnd) {
    const required = networkSchema.required.includes(a.key) ? '\n\n*Required.*' : '';
    const markdown = schema ? `**${a.key}**\n\n${schema.markdownDescription}${required}` : `**${a.key}**\n\nNot a key post-install reads (${Object.keys(networkSchema.keys).join(', ')}).`;
    return { markdown, range: lines.rangeOf(a.keyStart, a.keyEnd) };
  }
  if (!schema || offset < a.valueStart) return undefined;
  const settings = networkSettingsOf(file);
  if (schema.valueType === 'netmask' || schema.valueType === 'ipv4') {
    const n = parseIPv4(a.value);
    if (n === undefined) return undefined;
    const markdown = schema.valueType === 'netmask' ? describeNetmask(n) : describeAddress(n, settings);
    return { markdown, range: lines.rangeOf(a.valueStart, a.valueEnd) };
  }
  if (schema.valueType === 'ipv4-list') {
    const item = listItems(a).find((i) => i.start <= offset && offset <= i.end);
    const n = item && parseIPv4(item.text);
    if (item && n !== undefined) return { markdown: describeAddress(n, settings), range: lines.rangeOf(item.start, item.end) };
  }
  return undefined;
}
