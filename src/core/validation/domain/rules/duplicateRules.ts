// Names, UUIDs, MACs and MAC-encoded IPs must be unique across the project's templates. The
// other templates are known only through the project's TemplateInfos (indexed once per
// project object), so editing one template never re-validates the others.
import { diagnostic, type Diagnostic, type Fix, type Range } from '../../../common/diagnostic';
import type { DiagnosticCode } from '../../../common/diagnosticCodes';
import type { ContextProject } from '../../../project/project';
import type { TemplateInfo } from '../../../project/template';
import { SOURCE, type DomainRuleInput } from './ruleInput';
import { formatIPv4, ipFromMac, macAddressedNetwork } from './macAddressing';
import { nextFreeIpFix } from './macRules';

type Kind = 'name' | 'uuid' | 'mac' | 'ip';

interface Occurrence {
  file: string;
  range: Range;
  /** As written, for messages. */
  shown: string;
  /** Interface index, for the fixes of MAC/IP occurrences. */
  iface?: number;
}

type Index = Record<Kind, Map<string, Occurrence[]>>;

const normalizeUuid = (u: string) => u.replace(/-/g, '').toLowerCase();

type Occurrences = Array<[Kind, string, Occurrence]>;

// A template's occurrences, kept with its (never mutated) info: the project's index and the rule
// for the template itself both ask, and a fleet's check would otherwise make them twice.
const known = new WeakMap<TemplateInfo, { withIps: boolean; list: Occurrences }>();

function occurrencesOf(t: TemplateInfo, withIps: boolean): Occurrences {
  const hit = known.get(t);
  if (hit?.withIps === withIps) return hit.list;
  const list = occurrencesUncached(t, withIps);
  known.set(t, { withIps, list });
  return list;
}

function occurrencesUncached(t: TemplateInfo, withIps: boolean): Occurrences {
  const out: Occurrences = [];
  if (t.name?.value) out.push(['name', t.name.value, { file: t.file, range: t.name.range, shown: t.name.value }]);
  if (t.uuid?.value) out.push(['uuid', normalizeUuid(t.uuid.value), { file: t.file, range: t.uuid.range, shown: t.uuid.value }]);
  t.interfaces.forEach((i, iface) => {
    if (!i.mac) return;
    out.push(['mac', i.mac.value.toLowerCase(), { file: t.file, range: i.mac.range, shown: i.mac.value, iface }]);
    const ip = withIps ? ipFromMac(i.mac.value) : undefined;
    if (ip !== undefined) out.push(['ip', String(ip), { file: t.file, range: i.mac.range, shown: i.mac.value, iface }]);
  });
  return out;
}

const indexes = new WeakMap<ContextProject, Index>();

/** Occurrences in every template of the project, built once per loaded project. */
function projectIndex(project: ContextProject): Index {
  let idx = indexes.get(project);
  if (!idx) {
    idx = { name: new Map(), uuid: new Map(), mac: new Map(), ip: new Map() };
    const withIps = project.addressing === 'mac';
    for (const t of project.templates) {
      for (const [kind, key, occ] of occurrencesOf(t, withIps)) {
        const m = idx[kind];
        const list = m.get(key);
        if (list) list.push(occ);
        else m.set(key, [occ]);
      }
    }
    indexes.set(project, idx);
  }
  return idx;
}

const WHAT: Record<Kind, string> = { name: 'name', uuid: 'UUID', mac: 'MAC', ip: 'IPv4 address' };
const CODE = { name: 'domain-name-duplicate', uuid: 'domain-uuid-duplicate', mac: 'domain-mac-duplicate', ip: 'domain-ip-duplicate' } as const satisfies Record<Kind, DiagnosticCode>;

export function duplicateRule(input: DomainRuleInput): Diagnostic[] {
  const { project, info } = input;
  const idx = projectIndex(project);
  const withIps = project.addressing === 'mac';
  const mine = occurrencesOf(info, withIps);
  const out: Diagnostic[] = [];
  // Indexed loops, no spread or destructuring: run for each of a fleet's templates, where nearly
  // every value is unique and the loop finds nothing.
  for (let m = 0; m < mine.length; m++) {
    const kind = mine[m][0];
    const key = mine[m][1];
    const occ = mine[m][2];
    // This file's own other occurrences come from its current text, the rest from the index.
    const others: Occurrence[] = [];
    const indexed = idx[kind].get(key);
    if (indexed) for (let j = 0; j < indexed.length; j++) if (indexed[j].file !== info.file) others.push(indexed[j]);
    for (let j = 0; j < mine.length; j++) if (j !== m && mine[j][0] === kind && mine[j][1] === key) others.push(mine[j][2]);
    if (!others.length) continue;
    if (kind === 'ip') {
      // Same MAC is already reported as a MAC duplicate; here only different MACs, same IP.
      const sameMac = others.filter((o) => o.shown.toLowerCase() === occ.shown.toLowerCase());
      if (sameMac.length === others.length) continue;
    }
    const where = (o: Occurrence) => (o.file === info.file ? 'this template' : o.file);
    const related = others.map((o) => ({ file: o.file, range: o.range, message: `${WHAT[kind]} ${o.shown} is also used in ${where(o)}` }));
    const count = others.length + 1;
    let message: string;
    if (kind === 'ip') message = `MAC ${occ.shown} gives the guest ${formatIPv4(Number(key))}, the same address as ${others.length} other interface${others.length > 1 ? 's' : ''}`;
    else message = `${WHAT[kind]} '${occ.shown}' is used by ${count} ${kind === 'mac' ? 'interfaces' : 'templates'} of the project; it must be unique`;
    // Within one domain libvirt accepts it (the guest's network then misbehaves): a warning.
    const severity = others.some((o) => o.file !== info.file) ? 'error' : 'warning';
    out.push(diagnostic(CODE[kind], severity, message, occ.range, { source: SOURCE, related, fixes: fixesFor(kind, input, occ) }));
  }
  return out;
}

function fixesFor(kind: Kind, { project, info }: DomainRuleInput, occ: Occurrence): Fix[] {
  if (kind === 'uuid') return [{ title: 'Generate a new UUID', edits: [{ range: occ.range, newText: newUuid() }], preferred: true }];
  if ((kind === 'mac' || kind === 'ip') && occ.iface !== undefined) {
    const n = macAddressedNetwork(project);
    const fix = n && nextFreeIpFix(project, info, info.interfaces[occ.iface], n);
    return fix ? [fix] : [];
  }
  return [];
}

export function newUuid(): string {
  return globalThis.crypto.randomUUID();
}
