// Completion in common/routes, driven by the grammar in schemas/routes.schema.json: the word
// expected next (phase, command, action, destination, option) and, for option values, what
// common/network suggests (the VM gateway, the usual netmasks).
import type { Position } from '../common/diagnostic';
import type { NetworkSettings } from '../project/project';
import { LineIndex } from '../common/text';
import { commonNetmasks, snippetText, wordBounds, type CompletionItem } from './assist';
import { formatIPv4 } from './ipv4';
import { tokensOf } from './routesFile';
import { routesSchema, type RouteArgumentType, type RouteCommandSchema } from './schemas';

type Slot =
  | { kind: 'phase' }
  | { kind: 'command' }
  | { kind: 'word'; word: string; command: string }
  | { kind: 'action'; command: RouteCommandSchema }
  | { kind: 'destination'; command: RouteCommandSchema }
  | { kind: 'option'; command: RouteCommandSchema; used: Set<string> }
  | { kind: 'argument'; type: RouteArgumentType }
  | { kind: 'none' };

/** What the grammar expects after the words already written on the line. */
function nextSlot(words: string[]): Slot {
  let k = 0;
  if (words.length === 0) return { kind: 'phase' };
  if (routesSchema.phases[words[0]]) k++;
  else if (!routesSchema.commands[words[0]]) return { kind: 'none' };
  if (k >= words.length) return { kind: 'command' };
  const commandName = words[k++];
  const command = routesSchema.commands[commandName];
  if (!command) return { kind: 'none' };
  for (const w of command.words) {
    if (k >= words.length) return { kind: 'word', word: w, command: commandName };
    if (words[k++] !== w) return { kind: 'none' };
  }
  if (k >= words.length) return { kind: 'action', command };
  k++; // the action
  if (k >= words.length) return { kind: 'destination', command };
  const keyword = command.destination.keywords[words[k++]];
  if (keyword?.argument) {
    if (k >= words.length) return { kind: 'argument', type: keyword.argument };
    k++;
  }
  const used = new Set<string>();
  while (k < words.length) {
    const option = command.options[words[k++]];
    if (!option) continue;
    used.add(words[k - 1]);
    if (k >= words.length) return { kind: 'argument', type: option.argument };
    k++;
  }
  return { kind: 'option', command, used };
}

export function routesCompletions(text: string, at: Position, network: NetworkSettings | undefined): CompletionItem[] {
  const lines = new LineIndex(text);
  if (at.line >= lines.lineCount) return [];
  const line = lines.lineText(at.line);
  if (line.slice(0, at.character).trimStart().startsWith('#')) return [];
  const b = wordBounds(line, at.character, /[^ \t]/);
  const range = { start: { line: at.line, character: b.start }, end: { line: at.line, character: b.end } };
  const words = tokensOf(line, 0, b.start).map((t) => t.text);
  const slot = nextSlot(words);
  const keyword = (label: string, documentation: string, detail?: string): CompletionItem => ({ label, kind: 'keyword', documentation, detail, insertText: label, range });
  const gateway = network?.gateway !== undefined ? formatIPv4(network.gateway) : 'GW';

  switch (slot.kind) {
    case 'phase': {
      const items = Object.entries(routesSchema.phases).map(([p, d]) => keyword(p, d.markdownDescription, 'phase'));
      const snippet = (label: string, body: string, documentation: string): CompletionItem => ({ label, kind: 'snippet', documentation, insertText: body, snippet: true, range, sortText: `~${label}` });
      const gw = snippetText(gateway);
      items.push(
        snippet('up route add -net …', `up route add -net \${1:10.0.0.0} netmask \${2:255.0.0.0} gw \${3:${gw}} dev \${4:eth0}`, routesSchema.commands.route.markdownDescription),
        snippet('up ip route add …', `up ip route add \${1:10.0.0.0/8} via \${2:${gw}} dev \${3:eth0}`, routesSchema.commands.ip.markdownDescription),
      );
      return items;
    }
    case 'command':
      return Object.entries(routesSchema.commands).map(([c, d]) => keyword(c, d.markdownDescription, 'command'));
    case 'word':
      return [keyword(slot.word, routesSchema.commands[slot.command].markdownDescription)];
    case 'action':
      return Object.entries(slot.command.actions).map(([a, d]) => keyword(a, d.markdownDescription, 'action'));
    case 'destination':
      return Object.entries(slot.command.destination.keywords).map(([k, d]) => keyword(k, d.markdownDescription, 'destination'));
    case 'option':
      return Object.entries(slot.command.options)
        .filter(([o]) => !slot.used.has(o))
        .map(([o, d]) => keyword(o, d.markdownDescription, routesSchema.argumentTypes[d.argument].label));
    case 'argument':
      return argumentValues(slot.type, network, range);
    default:
      return [];
  }
}

function argumentValues(type: RouteArgumentType, network: NetworkSettings | undefined, range: CompletionItem['range']): CompletionItem[] {
  const value = (label: string, detail: string, sortText?: string): CompletionItem => ({ label, kind: 'value', detail, insertText: label, range, sortText });
  switch (type) {
    case 'gateway':
      return network?.gateway !== undefined ? [value(formatIPv4(network.gateway), 'GATEWAY of common/network')] : [];
    case 'interface':
      return [value('eth0', 'post-install replaces eth0 with the guest interface')];
    case 'netmask':
      return commonNetmasks().map((n) => value(n.mask, `/${n.prefix}, ${n.hosts.toLocaleString('en-US')} hosts`, String(n.prefix).padStart(2, '0')));
    default:
      return [];
  }
}
