// context/common/network: syntax as the guest's shell reads it, then keys and values against
// schemas/network.schema.json, then the consistency of NETWORK, NETMASK, BROADCAST, GATEWAY.
import { compareDiagnostics, diagnostic, zeroRange, type Diagnostic, type Fix, type Range } from '../../common/diagnostic';
import type { DiagnosticCode } from '../../common/diagnosticCodes';
import { closestMatch } from '../../common/suggest';
import { LineIndex } from '../../common/text';
import { isNetworkFile } from '../../network/contextPaths';
import { broadcastOf, formatIPv4, netmaskPrefix, networkOf, parseIPv4, prefixToNetmask } from '../../network/ipv4';
import { listItems, parseNetworkFile, type NetworkAssignment } from '../../network/networkFile';
import { networkSchema } from '../../network/schemas';
import type { FileValidator } from '../validator';

const SOURCE = 'vm-context';

export const networkValidator: FileValidator = {
  id: 'network',
  appliesTo: (project, file) => isNetworkFile(project, file),
  validate: ({ file, text }) => networkDiagnostics(text, file),
};

/** A valid value of a key, with where it was written (for ranges and fixes). */
interface Known {
  value: number;
  at: NetworkAssignment;
  range: Range;
}

/** Every diagnostic of a common/network text; `file` names the file in related information. */
export function networkDiagnostics(text: string, file = 'common/network'): Diagnostic[] {
  const lines = new LineIndex(text);
  const span = (start: number, end: number): Range => lines.rangeOf(start, end);
  const out: Diagnostic[] = [];
  const report = (code: DiagnosticCode, severity: Diagnostic['severity'], message: string, at: Range, extra: Partial<Diagnostic> = {}) =>
    out.push(diagnostic(code, severity, message, at, { source: SOURCE, ...extra }));
  const replaceValue = (a: NetworkAssignment, title: string, newText: string, preferred = true): Fix => ({
    title,
    edits: [{ range: span(a.valueStart, a.valueEnd), newText }],
    preferred,
  });

  const parsed = parseNetworkFile(text);
  for (const e of parsed.errors) {
    const fixes = e.fix ? [{ title: e.fix.title, edits: [{ range: span(e.fix.start, e.fix.end), newText: e.fix.newText }], preferred: true }] : undefined;
    report('network-syntax', 'error', e.message, span(e.start, e.end), fixes ? { fixes } : {});
  }

  const knownKeys = Object.keys(networkSchema.keys);
  const first = new Map<string, NetworkAssignment>();
  const ips = new Map<string, Known>();
  let netmask: Known | undefined;
  for (const a of parsed.assignments) {
    const keyRange = span(a.keyStart, a.keyEnd);
    const schema = networkSchema.keys[a.key];
    if (!schema) {
      const guess = closestMatch(a.key, knownKeys);
      // Renaming to a key the file already sets would only trade this warning for a duplicate.
      const taken = guess ? parsed.assignments.find((b) => b.key === guess) : undefined;
      const fixes = !guess
        ? []
        : taken
          ? [{ title: `Remove this ${a.key} line`, edits: [{ range: removeLine(lines, a), newText: '' }] }]
          : [{ title: `Change to ${guess}`, edits: [{ range: keyRange, newText: guess }], preferred: true }];
      const hint = !guess ? '' : taken ? ` — did you mean ${guess}? (it is set on line ${lines.positionAt(taken.keyStart).line + 1})` : ` — did you mean ${guess}?`;
      report('network-unknown-key', 'warning', `unknown key ${a.key}: post-install reads ${knownKeys.join(', ')}${hint}`, keyRange, fixes.length ? { fixes } : {});
      continue;
    }
    const earlier = first.get(a.key);
    if (earlier) {
      report('network-duplicate-key', 'warning', `${a.key} is set again: the shell keeps this last value and ignores line ${lines.positionAt(earlier.keyStart).line + 1}`, keyRange, {
        related: [{ file, range: span(earlier.keyStart, earlier.keyEnd), message: `${a.key} is first set here` }],
        fixes: [{ title: `Remove this ${a.key} line`, edits: [{ range: removeLine(lines, a), newText: '' }] }],
      });
    } else first.set(a.key, a);

    const valueRange = span(a.valueStart, a.valueEnd);
    if (a.value.trim() === '') {
      // An expansion the file cannot resolve is reported as network-syntax already.
      if (!text.slice(a.valueStart, a.valueEnd).includes('$')) {
        report('network-empty-value', 'warning', emptyMessage(a.key), span(a.keyStart, a.valueEnd));
      }
      ips.delete(a.key);
      if (schema.valueType === 'netmask') netmask = undefined;
      continue;
    }
    switch (schema.valueType) {
      case 'ipv4': {
        const n = parseIPv4(a.value);
        if (n === undefined) {
          const slash = /^(.*)\/(\d{1,2})$/.exec(a.value);
          const hint = slash && parseIPv4(slash[1]) !== undefined ? `; put the prefix length in NETMASK (${formatIPv4(prefixToNetmask(Math.min(32, Number(slash[2]))))})` : '';
          report('network-invalid-ipv4', 'error', `${a.key} must be a dotted IPv4 address such as ${schema.examples[0]}, not "${a.value}"${hint}`, valueRange);
          ips.delete(a.key);
        } else ips.set(a.key, { value: n, at: a, range: valueRange });
        break;
      }
      case 'netmask': {
        const m = checkNetmask(a.value);
        if (typeof m === 'number') netmask = { value: m, at: a, range: valueRange };
        else {
          netmask = undefined;
          report('network-invalid-netmask', 'error', m.message, valueRange, m.dotted ? { fixes: [replaceValue(a, `Write ${m.dotted}`, m.dotted)] } : {});
        }
        break;
      }
      case 'ipv4-list':
        for (const item of listItems(a)) {
          if (parseIPv4(item.text) === undefined) {
            report('network-invalid-ipv4', 'error', `${a.key}: "${item.text}" is not a dotted IPv4 address${item.text.includes(',') ? ' (separate addresses with spaces, not commas)' : ''}`, span(item.start, item.end));
          }
        }
        break;
      case 'domain':
      case 'domain-list':
        for (const item of listItems(a)) {
          if (!isDomainName(item.text)) {
            report('network-invalid-domain', 'warning', `${a.key}: "${item.text}" is not a valid domain name${schema.valueType === 'domain' ? '' : ' (separate domains with spaces)'}`, span(item.start, item.end));
          }
        }
        break;
    }
  }

  for (const key of networkSchema.required) {
    if (first.has(key)) continue;
    const fix = missingKeyFix(key, ips, netmask, text, lines);
    report('network-missing-key', 'error', `${key} is missing: post-install stops without it`, zeroRange, fix ? { fixes: [fix] } : {});
  }

  consistency(ips, netmask, report, replaceValue);
  return out.sort(compareDiagnostics);
}

function consistency(
  ips: Map<string, Known>,
  netmask: Known | undefined,
  report: (code: DiagnosticCode, severity: Diagnostic['severity'], message: string, at: Range, extra?: Partial<Diagnostic>) => void,
  replaceValue: (a: NetworkAssignment, title: string, newText: string, preferred?: boolean) => Fix,
): void {
  if (!netmask) return;
  const mask = netmask.value;
  const prefix = netmaskPrefix(mask)!;
  const network = ips.get('NETWORK');
  const gateway = ips.get('GATEWAY');
  const broadcast = ips.get('BROADCAST');

  // The subnet the guests are really on: NETWORK AND NETMASK, else GATEWAY AND NETMASK.
  const subnet = network ? networkOf(network.value, mask) : gateway ? networkOf(gateway.value, mask) : undefined;
  if (network) {
    const expected = gateway ? networkOf(gateway.value, mask) : networkOf(network.value, mask);
    if (network.value !== expected) {
      const why = gateway
        ? `GATEWAY ${formatIPv4(gateway.value)} AND NETMASK ${formatIPv4(mask)} is ${formatIPv4(expected)}`
        : `it has host bits set for NETMASK ${formatIPv4(mask)} (/${prefix}); NETWORK AND NETMASK is ${formatIPv4(expected)}`;
      report('network-inconsistent', 'error', `NETWORK ${formatIPv4(network.value)} does not match: ${why}`, network.range, {
        fixes: [replaceValue(network.at, `Set NETWORK to ${formatIPv4(expected)}`, formatIPv4(expected))],
      });
    }
  }
  if (broadcast && subnet !== undefined) {
    const expected = broadcastOf(subnet, mask);
    if (broadcast.value !== expected) {
      report('network-inconsistent', 'error', `BROADCAST ${formatIPv4(broadcast.value)} does not match: NETWORK OR NOT NETMASK is ${formatIPv4(expected)}`, broadcast.range, {
        fixes: [replaceValue(broadcast.at, `Set BROADCAST to ${formatIPv4(expected)}`, formatIPv4(expected))],
      });
    }
  }
  if (gateway && network) {
    const net = networkOf(network.value, mask);
    const firstHost = prefix >= 31 ? net : (net + 1) >>> 0;
    const fix = () => ({ fixes: [replaceValue(gateway.at, `Set GATEWAY to ${formatIPv4(firstHost)} (the first host of ${formatIPv4(net)}/${prefix})`, formatIPv4(firstHost), false)] });
    if (networkOf(gateway.value, mask) !== net) {
      report('network-gateway-outside', 'error', `GATEWAY ${formatIPv4(gateway.value)} is outside the guests' network ${formatIPv4(net)}/${prefix}: they could not reach it`, gateway.range, fix());
    } else if (prefix < 31 && (gateway.value === net || gateway.value === broadcastOf(net, mask))) {
      const what = gateway.value === net ? 'network' : 'broadcast';
      report('network-gateway-outside', 'error', `GATEWAY ${formatIPv4(gateway.value)} is the ${what} address of ${formatIPv4(net)}/${prefix}, not a host`, gateway.range, fix());
    }
  }
}

/** A netmask in dotted form, or why not (with the dotted form when the intent is clear). */
export function checkNetmask(value: string): number | { message: string; dotted?: string } {
  const prefixForm = /^\/?(\d{1,2})$/.exec(value);
  if (prefixForm && Number(prefixForm[1]) <= 32) {
    const dotted = formatIPv4(prefixToNetmask(Number(prefixForm[1])));
    return { message: `NETMASK must be in dotted form: write ${dotted} for /${prefixForm[1]}`, dotted };
  }
  const n = parseIPv4(value);
  if (n === undefined) return { message: `NETMASK must be a dotted netmask such as 255.255.255.0, not "${value}"` };
  if (netmaskPrefix(n) === undefined) {
    return { message: `NETMASK ${value} is not a netmask: its one bits are not contiguous (such as 255.255.255.0)` };
  }
  return n;
}

function missingKeyFix(key: string, ips: Map<string, Known>, netmask: Known | undefined, text: string, lines: LineIndex): Fix | undefined {
  let value: number | undefined;
  const gateway = ips.get('GATEWAY');
  const network = ips.get('NETWORK');
  if (key === 'NETWORK' && gateway && netmask) value = networkOf(gateway.value, netmask.value);
  if (key === 'GATEWAY' && network && netmask && (netmaskPrefix(netmask.value) ?? 32) < 31) value = (networkOf(network.value, netmask.value) + 1) >>> 0;
  if (value === undefined) return undefined;
  const end = lines.positionAt(text.length);
  const needsBreak = text.length > 0 && !/[\r\n]$/.test(text);
  return { title: `Add ${key}=${formatIPv4(value)}`, edits: [{ range: { start: end, end }, newText: `${needsBreak ? '\n' : ''}${key}=${formatIPv4(value)}\n` }], preferred: true };
}

/** The range of a whole line with its line break, to delete it. */
function removeLine(lines: LineIndex, a: NetworkAssignment): Range {
  const start = lines.positionAt(a.lineStart);
  const next = start.line + 1 < lines.lineCount ? { line: start.line + 1, character: 0 } : lines.positionAt(a.lineEnd);
  return { start: { line: start.line, character: 0 }, end: next };
}

function emptyMessage(key: string): string {
  return networkSchema.required.includes(key)
    ? `${key} is empty: post-install stops on an empty ${key}`
    : `${key} is empty: post-install would leave it out of the guest's configuration; remove the line or give a value`;
}

export function isDomainName(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}
