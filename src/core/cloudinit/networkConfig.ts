// network-config: version 1 or 2 against cloud-init's schemas; for version 2 also the device
// keys netplan refuses although cloud-init's schema lets them through (`adresses`); and the
// rules across files: matched MACs belong to the project's templates, static addresses lie in
// the project's network (and equal the MAC-derived address with MAC addressing), gateways are
// reachable on the interface.
import { diagnostic, type Diagnostic, type Range, type RelatedInformation } from '../common/diagnostic';
import { closestMatch } from '../common/suggest';
import { LineIndex } from '../common/text';
import { describeNetwork, knownNetwork, reservedRole, type KnownNetwork } from '../validation/domain/rules/macAddressing';
import { formatIPv4, inSubnet, ipFromMac, parseCidr, parseIPv4, prefixToNetmask, networkOf } from '../network/ipv4';
import type { TemplateInfo } from '../project/template';
import { SOURCE, type CloudInitContext } from './cloudInitTypes';
import { SCHEMAS } from './cloudInitSchemas';
import { schemaDiagnostics } from './schemaDiagnostics';
import { propertiesAt } from './schemaNavigation';
import { locate, nodeSpan, type ParsedYaml, parseYaml } from './yamlText';
import type { DiagnosticCode } from '../common/diagnosticCodes';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Device sections of a version 2 config and the schema definition of each. */
export const V2_SECTIONS = { ethernets: 'mapping_physical', bonds: 'mapping_bond', bridges: 'mapping_bridge', vlans: 'mapping_vlan' } as const;

// Keys netplan accepts that cloud-init's version 2 schema does not list (netplan's YAML
// reference, "Common properties" and each device type's). A key in neither list is refused
// by `netplan generate`, and the interface is left unconfigured.
const NETPLAN_COMMON = [
  'accept-ra', 'activation-mode', 'critical', 'dhcp-identifier', 'ignore-carrier', 'ipv6-address-generation', 'ipv6-address-token',
  'ipv6-mtu', 'ipv6-privacy', 'link-local', 'macaddress', 'neigh-suppress', 'networkmanager', 'openvswitch', 'optional-addresses', 'routing-policy',
];
const NETPLAN_BY_SECTION: Record<keyof typeof V2_SECTIONS, string[]> = {
  ethernets: [
    'emit-lldp', 'receive-checksum-offload', 'transmit-checksum-offload', 'tcp-segmentation-offload', 'tcp6-segmentation-offload',
    'generic-segmentation-offload', 'generic-receive-offload', 'large-receive-offload', 'link', 'virtual-function-count',
    'embedded-switch-mode', 'delay-virtual-functions-rebind', 'infiniband-mode',
  ],
  bonds: [],
  bridges: [],
  vlans: [],
};
const NETPLAN_PARAMETERS: Record<'bonds' | 'bridges', string[]> = {
  bonds: [
    'arp-validate', 'arp-all-targets', 'up-delay', 'down-delay', 'fail-over-mac-policy', 'gratuitous-arp', 'gratuitious-arp', 'packets-per-slave',
    'packets-per-member', 'all-members-active', 'primary-reselect-policy', 'resend-igmp', 'learn-packet-interval', 'primary',
  ],
  bridges: ['ageing-time', 'aging-time', 'priority', 'port-priority', 'forward-delay', 'hello-time', 'max-age', 'path-cost', 'stp'],
};

const allowedCache = new Map<string, string[]>();

/** The keys netplan takes for a device of this section (or its `parameters`). */
export function netplanKeys(section: keyof typeof V2_SECTIONS, parameters = false): string[] {
  const id = `${section}:${parameters}`;
  let keys = allowedCache.get(id);
  if (!keys) {
    const root = SCHEMAS['network-config-v2'];
    const path = ['$defs', V2_SECTIONS[section], ...(parameters ? ['parameters'] : [])];
    // propertiesAt walks from the root by property names; the definition is reached by a ref.
    const fromSchema = [...propertiesAt({ $ref: `#/${path.slice(0, 2).join('/')}`, $defs: root.$defs }, path.slice(2)).keys()];
    const extra = parameters ? NETPLAN_PARAMETERS[section as 'bonds' | 'bridges'] ?? [] : [...NETPLAN_COMMON, ...NETPLAN_BY_SECTION[section]];
    keys = [...new Set([...fromSchema, ...extra])].sort();
    allowedCache.set(id, keys);
  }
  return keys;
}

const diag = (code: DiagnosticCode, severity: Diagnostic['severity'], message: string, at: Range, related?: RelatedInformation[]) =>
  diagnostic(code, severity, message, at, { source: SOURCE, ...(related?.length ? { related } : {}) });

/** The version a network-config declares (top level or under `network:`), or undefined. */
export function networkConfigVersion(data: unknown): { version: unknown; config: Obj; prefix: string[] } | undefined {
  if (!isObj(data)) return undefined;
  if (isObj(data.network)) return { version: data.network.version, config: data.network, prefix: ['network'] };
  return { version: data.version, config: data, prefix: [] };
}

/** Every problem of a network-config file. */
export function networkConfigDiagnostics(text: string, context: CloudInitContext = {}): Diagnostic[] {
  const lines = new LineIndex(text);
  const parsed = parseYaml(text, lines);
  const out = [...parsed.diagnostics];
  if (parsed.data === undefined) return out;
  const top = parsed.rangeOf(0, Math.max(lines.lineEnd(0), 1));
  const v = networkConfigVersion(parsed.data);
  if (!v) {
    out.push(diag('cloudinit-network-version', 'error', 'network-config must be a YAML mapping with "version: 2" (netplan style) or "version: 1"; cloud-init ignores anything else', top));
    return out;
  }
  if (v.config.config === 'disabled') return out; // networking deliberately left alone
  const at = (path: string[]) => {
    const l = locate(parsed.doc, [...v.prefix, ...path]);
    const s = nodeSpan(l.key ?? l.value ?? l.nearest);
    return s ? parsed.rangeOf(s[0], s[1]) : top;
  };
  if (v.version !== 1 && v.version !== 2) {
    const found = v.version === undefined ? 'no "version"' : `version ${JSON.stringify(v.version)}`;
    out.push(diag('cloudinit-network-version', 'error', `network-config has ${found}: it must say "version: 2" (netplan style) or "version: 1"; cloud-init ignores the file otherwise`, v.version === undefined ? top : at(['version'])));
    return out;
  }
  out.push(...schemaDiagnostics(v.version === 1 ? 'network-config-v1' : 'network-config-v2', parsed, 'network-config'));
  const devices = v.version === 2 ? devicesV2(v.config, parsed, v.prefix, out) : devicesV1(v.config, parsed, v.prefix);
  out.push(...crossChecks(devices, context));
  return out;
}

interface Located<T> {
  value: T;
  range: Range;
}

/** What the cross-file rules need of one interface definition. */
interface Device {
  name: string;
  mac?: Located<string>;
  dhcp4: boolean;
  /** IPv4 addresses with their prefix (undefined when written without one). */
  addresses: Array<Located<{ ip: number; prefix?: number; text: string }>>;
  gateways: Array<Located<number>>;
}

function rangeAt(parsed: ParsedYaml, path: string[]): Range | undefined {
  const l = locate(parsed.doc, path);
  const s = nodeSpan(l.value ?? l.key);
  return s ? parsed.rangeOf(s[0], s[1]) : undefined;
}

const truthy = (v: unknown) => v === true || v === 'yes' || v === 'true' || v === 'on';

function devicesV2(config: Obj, parsed: ParsedYaml, prefix: string[], out: Diagnostic[]): Device[] {
  const devices: Device[] = [];
  for (const section of Object.keys(V2_SECTIONS) as Array<keyof typeof V2_SECTIONS>) {
    const group = config[section];
    if (!isObj(group)) continue;
    for (const [name, dev] of Object.entries(group)) {
      if (!isObj(dev)) continue;
      const base = [...prefix, section, name];
      netplanUnknownKeys(section, dev, base, parsed, out, false);
      if (section === 'bonds' || section === 'bridges') if (isObj(dev.parameters)) netplanUnknownKeys(section, dev.parameters, [...base, 'parameters'], parsed, out, true);
      const device: Device = { name, dhcp4: truthy(dev.dhcp4), addresses: [], gateways: [] };
      const match = isObj(dev.match) ? dev.match : undefined;
      if (typeof match?.macaddress === 'string') device.mac = { value: match.macaddress, range: rangeAt(parsed, [...base, 'match', 'macaddress'])! };
      (Array.isArray(dev.addresses) ? dev.addresses : []).forEach((a, i) => {
        const text = typeof a === 'string' ? a : isObj(a) ? Object.keys(a)[0] : undefined;
        if (text === undefined || text.includes(':')) return; // IPv6: not checked against the IPv4 network
        const range = rangeAt(parsed, [...base, 'addresses', String(i)])!;
        const cidr = parseCidr(text, true);
        if (!cidr) out.push(diag('cloudinit-network-address-invalid', 'error', `'${text}' is not an IPv4 address with a prefix length (e.g. 192.168.122.10/24); netplan refuses it`, range));
        else if (cidr.prefix === undefined) out.push(diag('cloudinit-network-address-invalid', 'error', `address '${text}' has no prefix length: netplan refuses it (write e.g. ${text}/24)`, range));
        else device.addresses.push({ value: { ...cidr, text }, range });
      });
      if (typeof dev.gateway4 === 'string') pushGateway(device, dev.gateway4, rangeAt(parsed, [...base, 'gateway4'])!);
      (Array.isArray(dev.routes) ? dev.routes : []).forEach((r, i) => {
        if (isObj(r) && typeof r.via === 'string' && !truthy(r['on-link'])) pushGateway(device, r.via, rangeAt(parsed, [...base, 'routes', String(i), 'via'])!);
      });
      devices.push(device);
    }
  }
  return devices;
}

function pushGateway(device: Device, text: string, range: Range): void {
  const ip = parseIPv4(text);
  if (ip !== undefined) device.gateways.push({ value: ip, range });
}

function netplanUnknownKeys(section: keyof typeof V2_SECTIONS, dev: Obj, path: string[], parsed: ParsedYaml, out: Diagnostic[], parameters: boolean): void {
  const allowed = netplanKeys(section, parameters);
  for (const key of Object.keys(dev)) {
    if (allowed.includes(key)) continue;
    const l = locate(parsed.doc, [...path, key]);
    const s = nodeSpan(l.key ?? l.value);
    const guess = closestMatch(key, allowed);
    const where = parameters ? `the parameters of ${section}.${path[path.length - 2]}` : `${section}.${path[path.length - 1]}`;
    out.push(
      diag(
        'cloudinit-netplan-unknown-key',
        'error',
        `netplan does not know '${key}' in ${where}${guess ? `; did you mean '${guess}'?` : ''} (cloud-init's schema lets it through, netplan then refuses the file and the interface stays unconfigured)`,
        s ? parsed.rangeOf(s[0], s[1]) : parsed.rangeOf(0, 1),
      ),
    );
  }
}

function devicesV1(config: Obj, parsed: ParsedYaml, prefix: string[]): Device[] {
  const devices: Device[] = [];
  const list = Array.isArray(config.config) ? config.config : [];
  list.forEach((entry, i) => {
    if (!isObj(entry) || (entry.type !== 'physical' && entry.type !== 'bond' && entry.type !== 'bridge' && entry.type !== 'vlan')) return;
    const base = [...prefix, 'config', String(i)];
    const device: Device = { name: String(entry.name ?? `config[${i}]`), dhcp4: false, addresses: [], gateways: [] };
    if (typeof entry.mac_address === 'string') device.mac = { value: entry.mac_address, range: rangeAt(parsed, [...base, 'mac_address'])! };
    (Array.isArray(entry.subnets) ? entry.subnets : []).forEach((s, j) => {
      if (!isObj(s)) return;
      const sp = [...base, 'subnets', String(j)];
      if (s.type === 'dhcp' || s.type === 'dhcp4') device.dhcp4 = true;
      if ((s.type === 'static' || s.type === 'static4') && typeof s.address === 'string') {
        const cidr = parseCidr(s.address, true);
        const mask = typeof s.netmask === 'string' ? parseIPv4(s.netmask) : undefined;
        if (cidr) {
          const prefixLen = cidr.prefix ?? (mask !== undefined ? maskToPrefix(mask) : undefined);
          device.addresses.push({ value: { ip: cidr.ip, prefix: prefixLen, text: s.address }, range: rangeAt(parsed, [...sp, 'address'])! });
        }
      }
      if (typeof s.gateway === 'string') pushGateway(device, s.gateway, rangeAt(parsed, [...sp, 'gateway'])!);
    });
    devices.push(device);
  });
  return devices;
}

function maskToPrefix(mask: number): number | undefined {
  for (let p = 0; p <= 32; p++) if (prefixToNetmask(p) === mask) return p;
  return undefined;
}

const vmName = (t: TemplateInfo) => t.name?.value ?? t.file;

function crossChecks(devices: Device[], ctx: CloudInitContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const project = ctx.project;
  const scope = ctx.vm ? [ctx.vm] : (ctx.sharedBy ?? project?.templates ?? []);
  const net = knownNetwork(project?.network);
  const macAddressing = project?.addressing === 'mac';

  for (const d of devices) {
    // The template interface this device configures: by its MAC, else the VM's only one.
    let owner: { template: TemplateInfo; mac: string } | undefined;
    if (d.mac && project) {
      const mac = d.mac.value.toLowerCase();
      for (const t of scope) for (const i of t.interfaces) if (i.mac?.value.toLowerCase() === mac) owner ??= { template: t, mac: i.mac.value };
      if (!owner && scope.length) {
        const whose = ctx.vm ? `the template of ${vmName(ctx.vm)}` : `the VMs this file serves (${scope.map(vmName).join(', ')})`;
        out.push(diag('cloudinit-network-mac-unknown', 'error', `MAC ${d.mac.value} is not the MAC of an interface of ${whose}: no NIC matches, so cloud-init never applies this configuration`, d.mac.range));
      }
    } else if (scope.length === 1) {
      // One VM (its own file, or a shared file only it uses) with one NIC: that NIC.
      const withMac = scope[0].interfaces.filter((i) => i.mac);
      if (withMac.length === 1) owner = { template: scope[0], mac: withMac[0].mac!.value };
    }

    for (const a of d.addresses) {
      const { ip, prefix } = a.value;
      if (net) checkInNetwork(ip, prefix, a.range, net, out);
      if (!macAddressing || !project) continue;
      if (!ctx.vm && scope.length > 1) {
        out.push(
          diag(
            'cloudinit-network-shared-static',
            'error',
            `this shared network-config gives ${scope.length} VMs (${scope.map(vmName).join(', ')}) the same static address ${formatIPv4(ip)}; put a network-config per VM in cloud-init/<vm>/, or leave it out so one is generated per VM`,
            a.range,
          ),
        );
        continue;
      }
      const expected = owner ? ipFromMac(owner.mac) : undefined;
      if (owner && expected !== undefined && expected !== ip) {
        out.push(
          diag(
            'cloudinit-network-address-mac-mismatch',
            'error',
            `static address ${formatIPv4(ip)} is not ${formatIPv4(expected)}, the address the MAC ${owner.mac} of ${vmName(owner.template)} encodes (the project uses MAC addressing)`,
            a.range,
            [{ file: owner.template.file, range: owner.template.interfaces.find((i) => i.mac?.value === owner!.mac)!.mac!.range, message: `MAC ${owner.mac}` }],
          ),
        );
      }
    }

    if (d.dhcp4) continue; // the gateway may come from the DHCP lease's subnet
    const onLink = d.addresses.filter((a) => a.value.prefix !== undefined);
    for (const g of d.gateways) {
      if (onLink.some((a) => inSubnet(g.value, a.value.ip, prefixToNetmask(a.value.prefix!)))) continue;
      const subnets = onLink.map((a) => `${formatIPv4(networkOf(a.value.ip, prefixToNetmask(a.value.prefix!)))}/${a.value.prefix}`);
      out.push(
        diag(
          'cloudinit-network-gateway-unreachable',
          'error',
          subnets.length
            ? `gateway ${formatIPv4(g.value)} is outside the subnet of ${d.name} (${subnets.join(', ')}): the guest cannot reach it, so the route is not installed`
            : `gateway ${formatIPv4(g.value)} on ${d.name}, which has no static IPv4 address and no DHCP: the guest cannot reach it`,
          g.range,
        ),
      );
    }
  }
  return out;
}

function checkInNetwork(ip: number, prefix: number | undefined, at: Range, net: KnownNetwork, out: Diagnostic[]): void {
  if (!inSubnet(ip, net.network, net.netmask)) {
    out.push(diag('cloudinit-network-address-outside', 'error', `static address ${formatIPv4(ip)} is outside the project's network ${describeNetwork(net)} (vmcontext.json "network")`, at));
    return;
  }
  const role = reservedRole(ip, net);
  if (role) out.push(diag('cloudinit-network-address-reserved', 'error', `static address ${formatIPv4(ip)} is ${role} of ${describeNetwork(net)}, not a usable guest address`, at));
  if (prefix !== undefined && prefixToNetmask(prefix) !== net.netmask) {
    out.push(diag('cloudinit-network-prefix-mismatch', 'warning', `prefix /${prefix} differs from the project's network ${describeNetwork(net)}: the guest will think other hosts are ${prefix < 32 && prefixToNetmask(prefix) < net.netmask ? 'on its link when they are not' : 'off its link'}`, at));
  }
}
