// context/common/routes: the grammar of schemas/routes.schema.json, unfilled `<<name>>`
// placeholders, address and netmask values, host bits under the mask, gateways the VM can
// reach (from common/network), and routes given twice.
import { compareDiagnostics, diagnostic, type Diagnostic, type Range } from '../../common/diagnostic';
import type { DiagnosticCode } from '../../common/diagnosticCodes';
import { LineIndex } from '../../common/text';
import { isRoutesFile } from '../../network/contextPaths';
import { formatIPv4, netmaskPrefix, networkOf, parseIPv4, prefixToNetmask, inSubnet } from '../../network/ipv4';
import { hasPlaceholder, parseRoutesFile, type RouteArgument, type RouteLine, type RouteToken } from '../../network/routesFile';
import type { NetworkSettings } from '../../project/project';
import type { FileValidator } from '../validator';

const SOURCE = 'vm-context';

export const routesValidator: FileValidator = {
  id: 'routes',
  appliesTo: (project, file) => isRoutesFile(project, file),
  validate: ({ project, file, text }) => routesDiagnostics(text, project.network, file),
};

/** A destination or on-link network: address and mask. */
interface Subnet {
  network: number;
  mask: number;
}

/** Phases that run at the same moment: a route in both is still given twice. */
const PHASE_GROUP: Record<string, string> = { up: 'up', 'post-up': 'up', down: 'down', 'pre-down': 'down', 'pre-up': 'pre-up', 'post-down': 'post-down' };

/** Every diagnostic of a common/routes text; `network` is the VM network from common/network. */
export function routesDiagnostics(text: string, network: NetworkSettings | undefined, file = 'common/routes'): Diagnostic[] {
  const lines = new LineIndex(text);
  const span = (start: number, end: number): Range => lines.rangeOf(start, end);
  const out: Diagnostic[] = [];
  const report = (code: DiagnosticCode, severity: Diagnostic['severity'], message: string, at: Range, extra: Partial<Diagnostic> = {}) =>
    out.push(diagnostic(code, severity, message, at, { source: SOURCE, ...extra }));

  const parsed = parseRoutesFile(text);
  for (const e of parsed.errors) {
    const fixes = e.fix ? [{ title: e.fix.title, edits: [{ range: span(e.fix.start, e.fix.end), newText: e.fix.newText }], preferred: true }] : undefined;
    report('routes-syntax', 'error', e.message, span(e.start, e.end), fixes ? { fixes } : {});
  }

  // Networks the VM is on: its own, and those a route puts on the link (a device, no gateway).
  const onLink: Subnet[] = [];
  if (network?.network !== undefined && network.netmask !== undefined && netmaskPrefix(network.netmask) !== undefined) {
    onLink.push({ network: networkOf(network.network, network.netmask), mask: network.netmask });
  }
  const destinations = new Map<RouteLine, Subnet | 'default' | undefined>();
  for (const route of parsed.lines) {
    for (const p of route.placeholders) {
      report('routes-placeholder', 'error', `unfilled template placeholder ${p.text}: replace it with this site's value before building the context`, span(p.start, p.end));
    }
    const d = checkDestination(route, span, report);
    destinations.set(route, d);
    for (const o of route.options) checkOption(o, span, report);
    const device = route.options.some((o) => o.type === 'interface');
    if (d && d !== 'default' && device && !gatewayOf(route) && route.action?.text === 'add') onLink.push(d);
  }

  const seen = new Map<string, RouteLine>();
  for (const route of parsed.lines) {
    const gw = gatewayOf(route);
    if (gw && onLink.length && !hasPlaceholder(gw)) {
      const g = parseIPv4(gw.text);
      if (g !== undefined && !onLink.some((s) => inSubnet(g, s.network, s.mask))) {
        const nets = onLink.map((s) => `${formatIPv4(s.network)}/${netmaskPrefix(s.mask)}`).join(', ');
        report('routes-gateway-unreachable', 'warning', `gateway ${gw.text} is outside every network the VM is on (${nets}): the route cannot be added`, span(gw.start, gw.end));
      }
    }
    const d = destinations.get(route);
    if (!route.complete || route.placeholders.length || !d || !route.phase || !route.action) continue;
    const gwValue = gw ? parseIPv4(gw.text) : undefined;
    if (gw && gwValue === undefined) continue;
    const key = [
      PHASE_GROUP[route.phase.text] ?? route.phase.text,
      route.action.text,
      d === 'default' ? 'default' : `${d.network}/${d.mask}`,
      gwValue ?? '-',
    ].join(' ');
    const first = seen.get(key);
    const content = span(route.tokens[0].start, route.tokens[route.tokens.length - 1].end);
    if (first) {
      const start = lines.positionAt(route.start);
      const end = start.line + 1 < lines.lineCount ? { line: start.line + 1, character: 0 } : lines.positionAt(route.end);
      report('routes-duplicate', 'warning', `this route is already given on line ${first.line + 1}: ifupdown would fail adding it twice`, content, {
        related: [{ file, range: span(first.tokens[0].start, first.tokens[first.tokens.length - 1].end), message: 'first given here' }],
        fixes: [{ title: 'Remove this line', edits: [{ range: { start: { line: start.line, character: 0 }, end }, newText: '' }], preferred: true }],
      });
    } else seen.set(key, route);
  }
  return out.sort(compareDiagnostics);
}

type Report = (code: DiagnosticCode, severity: Diagnostic['severity'], message: string, at: Range, extra?: Partial<Diagnostic>) => void;

function gatewayOf(route: RouteLine): RouteToken | undefined {
  return route.options.find((o) => o.type === 'gateway')?.value;
}

/** Checks the destination with its mask; returns the destination subnet when it is valid. */
function checkDestination(route: RouteLine, span: (s: number, e: number) => Range, report: Report): Subnet | 'default' | undefined {
  if (route.destinationKeyword?.text === 'default' || route.destination?.value.text === 'default') return 'default';
  const dest = route.destination;
  if (!dest) return undefined;
  const maskOption = route.options.find((o) => o.type === 'netmask');
  if (dest.type === 'host' && maskOption) {
    report('routes-syntax', 'error', '`netmask` does not go with `-host`: use `-net ADDR netmask MASK` for a network', span(maskOption.keyword.start, maskOption.value.end));
  }
  if (hasPlaceholder(dest.value)) return undefined;
  const [addrText, lenText] = dest.value.text.split('/', 2) as [string, string | undefined];
  const addrEnd = dest.value.start + addrText.length;
  const addr = parseIPv4(addrText);
  if (addr === undefined) {
    report('routes-invalid-ipv4', 'error', `"${addrText}" is not a dotted IPv4 address`, span(dest.value.start, addrEnd));
    return undefined;
  }
  let mask: number | undefined;
  if (lenText !== undefined) {
    if (dest.type === 'host' || !/^\d{1,2}$/.test(lenText) || Number(lenText) > 32) {
      report('routes-invalid-netmask', 'error', dest.type === 'host' ? 'a -host destination has no prefix length' : `"/${lenText}" is not a prefix length (0 to 32)`, span(addrEnd, dest.value.end));
      return undefined;
    }
    mask = prefixToNetmask(Number(lenText));
  }
  if (maskOption && !hasPlaceholder(maskOption.value)) {
    const m = parseNetmask(maskOption.value.text);
    if (m === undefined) return undefined; // reported with the option
    if (mask !== undefined && m !== mask) {
      report('routes-syntax', 'error', `the prefix length /${lenText} and netmask ${maskOption.value.text} disagree: give one of them`, span(maskOption.keyword.start, maskOption.value.end));
      return undefined;
    }
    mask = m;
  } else if (maskOption) return undefined;
  if (mask === undefined) mask = 0xffffffff; // a host route (route(8) and ip(8) both read it so)
  const aligned = networkOf(addr, mask);
  if (aligned !== addr) {
    const prefix = netmaskPrefix(mask)!;
    report(
      'routes-network-misaligned',
      'error',
      `${addrText} has host bits set for /${prefix} (${formatIPv4(mask)}): the network is ${formatIPv4(aligned)}`,
      span(dest.value.start, addrEnd),
      { fixes: [{ title: `Change to ${formatIPv4(aligned)}`, edits: [{ range: span(dest.value.start, addrEnd), newText: formatIPv4(aligned) }], preferred: true }] },
    );
  }
  return { network: aligned, mask };
}

function checkOption(o: RouteArgument & { keyword: RouteToken }, span: (s: number, e: number) => Range, report: Report): void {
  const v = o.value;
  if (hasPlaceholder(v)) return;
  const at = span(v.start, v.end);
  switch (o.type) {
    case 'netmask': {
      const prefixForm = /^\/?(\d{1,2})$/.exec(v.text);
      if (prefixForm && Number(prefixForm[1]) <= 32) {
        const dotted = formatIPv4(prefixToNetmask(Number(prefixForm[1])));
        report('routes-invalid-netmask', 'error', `netmask must be in dotted form: write ${dotted} for /${prefixForm[1]}`, at, {
          fixes: [{ title: `Write ${dotted}`, edits: [{ range: at, newText: dotted }], preferred: true }],
        });
      } else if (parseIPv4(v.text) === undefined) report('routes-invalid-netmask', 'error', `"${v.text}" is not a dotted netmask such as 255.255.255.0`, at);
      else if (parseNetmask(v.text) === undefined) report('routes-invalid-netmask', 'error', `${v.text} is not a netmask: its one bits are not contiguous`, at);
      break;
    }
    case 'gateway':
    case 'host':
      if (parseIPv4(v.text) === undefined) report('routes-invalid-ipv4', 'error', `"${v.text}" is not a dotted IPv4 address`, at);
      break;
    case 'integer':
      if (!/^\d{1,9}$/.test(v.text)) report('routes-syntax', 'error', `\`${o.keyword.text}\` needs a non-negative integer, not "${v.text}"`, at);
      break;
    case 'interface':
      if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(v.text)) report('routes-syntax', 'error', `"${v.text}" is not an interface name (such as eth0)`, at);
      break;
    default:
      break;
  }
}

function parseNetmask(text: string): number | undefined {
  const n = parseIPv4(text);
  return n !== undefined && netmaskPrefix(n) !== undefined ? n : undefined;
}
