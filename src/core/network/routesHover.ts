// Hover in common/routes: the grammar's documentation for keywords; for addresses, the
// network, prefix length and whether it is inside the VM network; for netmasks, the prefix.
import type { Position } from '../common/diagnostic';
import type { NetworkSettings } from '../project/project';
import { LineIndex } from '../common/text';
import { describeAddress, describeNetmask, describeNetwork } from './addressInfo';
import type { HoverInfo } from './assist';
import { netmaskPrefix, parseIPv4, prefixToNetmask } from './ipv4';
import { hasPlaceholder, parseRoutesFile, type RouteLine, type RouteToken } from './routesFile';
import { routesSchema } from './schemas';

export function routesHover(text: string, at: Position, network: NetworkSettings | undefined): HoverInfo | undefined {
  const lines = new LineIndex(text);
  if (at.line >= lines.lineCount) return undefined;
  const offset = lines.offsetAt(at);
  const route = parseRoutesFile(text).lines.find((l) => l.line === at.line);
  const token = route?.tokens.find((t) => t.start <= offset && offset <= t.end);
  if (!route || !token) return undefined;
  const markdown = describeToken(route, token, network);
  return markdown ? { markdown, range: lines.rangeOf(token.start, token.end) } : undefined;
}

function describeToken(route: RouteLine, t: RouteToken, network: NetworkSettings | undefined): string | undefined {
  if (hasPlaceholder(t)) return `**${t.text}**\n\nAn unfilled template placeholder: replace it with this site's value.`;
  const command = route.command ? routesSchema.commands[route.command.text] : undefined;
  if (t === route.phase) return `**${t.text}**\n\n${routesSchema.phases[t.text]?.markdownDescription ?? ''}`;
  if (t === route.command || (command && route.command && t.start > route.command.start && route.action && t.start < route.action.start)) {
    return command && `**${route.command!.text}**\n\n${command.markdownDescription}`;
  }
  if (t === route.action) return command && `**${t.text}**\n\n${command.actions[t.text]?.markdownDescription ?? ''}`;
  if (t === route.destinationKeyword) return command && `**${t.text}**\n\n${command.destination.keywords[t.text]?.markdownDescription ?? ''}`;
  if (t === route.destination?.value) {
    const [addrText, len] = t.text.split('/', 2);
    const addr = parseIPv4(addrText);
    const maskText = route.options.find((o) => o.type === 'netmask')?.value.text;
    const mask = len !== undefined && /^\d{1,2}$/.test(len) && Number(len) <= 32 ? prefixToNetmask(Number(len)) : maskText ? parseIPv4(maskText) : undefined;
    if (addr === undefined) return typeDoc(route.destination.type);
    if (mask !== undefined && netmaskPrefix(mask) !== undefined && route.destination.type !== 'host') return describeNetwork(addr, mask, network);
    return describeAddress(addr, network);
  }
  const option = route.options.find((o) => o.keyword === t || o.value === t);
  if (!option || !command) return undefined;
  if (t === option.keyword) {
    return `**${t.text}** ${routesSchema.argumentTypes[option.type].label}\n\n${command.options[t.text]?.markdownDescription ?? ''}`;
  }
  const n = parseIPv4(t.text);
  if (n !== undefined && option.type === 'netmask') return describeNetmask(n);
  if (n !== undefined && option.type === 'gateway') return describeAddress(n, network);
  return typeDoc(option.type);
}

function typeDoc(type: keyof typeof routesSchema.argumentTypes): string {
  const d = routesSchema.argumentTypes[type];
  return `**${d.label}**\n\n${d.markdownDescription}`;
}
