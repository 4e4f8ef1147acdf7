// vmcontext.json: the optional project manifest. Every field is optional; problems become
// diagnostics on the manifest itself (exact ranges), never exceptions.
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex } from '../common/text';
import { diagnostic, type Diagnostic, type Range } from '../common/diagnostic';
import { isValidHostname } from '../network/hostname';
import { formatIPv4, inSubnet, networkOf, parseCidr, parseIPv4, prefixToNetmask } from '../network/ipv4';
import { closestMatch } from '../common/suggest';

export const MANIFEST_FILE = 'vmcontext.json';

export type Addressing = 'mac' | 'dhcp';

/** snooze: context.iso with post-install and common/network; nocloud: a cloud-init NoCloud seed. */
export type Flavor = 'snooze' | 'nocloud';

/** The guests' network of a NoCloud project (a Snooze project keeps it in context/common/network). */
export interface ManifestNetwork {
  /** e.g. "192.168.122.0/24" */
  cidr?: string;
  gateway?: string;
  nameservers?: string[];
  search?: string[];
  /** static: each VM gets the address its MAC encodes; dhcp: from a DHCP server. */
  addressing?: 'static' | 'dhcp';
}

export interface ManifestHost {
  /** libvirt connection URI, e.g. `qemu:///system` or `qemu+ssh://lc1/system`. */
  uri: string;
  /** Folder on that host for images (local copy) … */
  directory?: string;
  /** … or a storage pool to upload volumes into. */
  pool?: string;
  /** Template names (VM names) assigned to this host explicitly. */
  vms?: string[];
}

export interface Manifest {
  contextDir?: string;
  templates?: string[];
  baseImage?: string;
  isoLabel?: string;
  output?: { iso?: string; overlays?: string; seeds?: string };
  remote?: { directory?: string; bridge?: string };
  addressing?: Addressing;
  hosts?: ManifestHost[];
  flavor?: Flavor;
  network?: ManifestNetwork;
}

export interface ManifestResult {
  manifest: Manifest;
  diagnostics: Diagnostic[];
}

type Check = (node: Node, path: string) => unknown;

/** Parses and checks the manifest text; unknown keys and wrong types are reported, not fatal. */
export function parseManifest(text: string): ManifestResult {
  const lines = new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  const at = (offset: number, length: number) => lines.rangeOf(offset, offset + Math.max(length, 1));
  const report = (node: Node | undefined, message: string, severity: 'error' | 'warning' = 'error', extra: Partial<Diagnostic> = {}) =>
    diagnostics.push(
      diagnostic('manifest-invalid', severity, message, node ? at(node.offset, node.length) : at(0, 1), { source: 'vm-context', ...extra }),
    );

  const seen = new Set<number>();
  for (const e of errors) {
    // One message per place: a trailing comma yields two parser errors at the same offset.
    if (seen.has(e.offset)) continue;
    seen.add(e.offset);
    diagnostics.push(
      diagnostic('manifest-syntax', 'error', `vmcontext.json is not valid JSON: ${describeJsonError(printParseErrorCode(e.error))}`, at(e.offset, e.length), {
        source: 'vm-context',
      }),
    );
  }
  if (!root) return { manifest: {}, diagnostics };
  if (root.type !== 'object') {
    report(root, 'vmcontext.json must hold a JSON object, e.g. { "contextDir": "context" }');
    return { manifest: {}, diagnostics };
  }

  const str: Check = (n, path) => {
    if (n.type === 'string' && typeof n.value === 'string' && n.value.trim() !== '') return n.value;
    report(n, `"${path}" must be a non-empty string`);
    return undefined;
  };
  const strArray: Check = (n, path) => {
    if (n.type !== 'array') {
      report(n, `"${path}" must be an array of strings`);
      return undefined;
    }
    const out: string[] = [];
    for (const c of n.children ?? []) {
      const v = str(c, `${path}[]`);
      if (typeof v === 'string') out.push(v);
    }
    return out;
  };
  const oneOf =
    (values: string[]): Check =>
    (n, path) => {
      if (n.type === 'string' && values.includes(n.value)) return n.value;
      report(n, `"${path}" must be one of ${values.map((v) => `"${v}"`).join(', ')}`);
      return undefined;
    };
  const label: Check = (n, path) => {
    const v = str(n, path);
    if (typeof v !== 'string') return undefined;
    // ECMA-119 volume identifiers: d-characters (A-Z 0-9 _), at most 32.
    if (!/^[A-Za-z0-9_]{1,32}$/.test(v)) {
      report(n, `"${path}" must be 1 to 32 letters, digits or underscores (an ISO 9660 volume label), e.g. "CONTEXT"`);
      return undefined;
    }
    return v;
  };
  const object =
    (fields: Record<string, Check>): Check =>
    (n, path) => {
      if (n.type !== 'object') {
        report(n, `"${path}" must be an object`);
        return undefined;
      }
      const out: Record<string, unknown> = {};
      for (const prop of n.children ?? []) {
        const [keyNode, valueNode] = prop.children ?? [];
        const key = keyNode?.value as string;
        const check = fields[key];
        if (!check) {
          const known = Object.keys(fields).filter((k) => k !== '$schema');
          const guess = closestMatch(key, known);
          const fix = guess && keyNode ? { fixes: [{ title: `Change to "${guess}"`, edits: [{ range: at(keyNode.offset, keyNode.length), newText: JSON.stringify(guess) }], preferred: true }] } : {};
          report(
            keyNode,
            `unknown property "${key}"${path ? ` in "${path}"` : ''}${guess ? ` — did you mean "${guess}"?` : ''}; expected one of ${known.map((k) => `"${k}"`).join(', ')}`,
            'warning',
            fix,
          );
          continue;
        }
        if (valueNode) {
          const v = check(valueNode, path ? `${path}.${key}` : key);
          if (v !== undefined) out[key] = v;
        }
      }
      return out;
    };
  const hosts: Check = (n, path) => {
    if (n.type !== 'array') {
      report(n, `"${path}" must be an array of hosts`);
      return undefined;
    }
    const host = object({ uri: str, directory: str, pool: str, vms: strArray });
    const out: ManifestHost[] = [];
    for (const c of n.children ?? []) {
      const h = host(c, `${path}[]`) as ManifestHost | undefined;
      if (!h) continue;
      if (!h.uri) {
        report(c, `each host needs a "uri", e.g. "qemu:///system"`);
        continue;
      }
      // One libvirt connection is one host: a second entry would get nothing (deploy refuses it).
      const first = out.find((o) => o.uri === h.uri);
      if (first) {
        const uriNode = c.children?.find((p) => p.children?.[0]?.value === 'uri')?.children?.[1];
        const where = (o: ManifestHost) => (o.pool ? `pool "${o.pool}"` : o.directory ? `directory "${o.directory}"` : "the template's paths");
        diagnostics.push(
          diagnostic(
            'manifest-host-duplicate',
            'error',
            `host "${h.uri}" is listed twice (${where(first)}, then ${where(h)}): one URI is one host; merge the entries (list the VMs of both in one "vms") or use another URI`,
            at((uriNode ?? c).offset, (uriNode ?? c).length),
            { source: 'vm-context' },
          ),
        );
      }
      // Kept, so that deploy sees both and refuses rather than send everything to the first.
      out.push(h);
    }
    return out;
  };

  const ipv4: Check = (n, path) => {
    const v = str(n, path);
    if (typeof v !== 'string') return undefined;
    if (parseIPv4(v) === undefined) {
      report(n, `"${path}" must be an IPv4 address such as "192.168.122.1"`);
      return undefined;
    }
    return v;
  };
  const ipv4Array: Check = (n, path) => {
    if (n.type !== 'array') {
      report(n, `"${path}" must be an array of IPv4 addresses`);
      return undefined;
    }
    return (n.children ?? []).map((c) => ipv4(c, `${path}[]`)).filter((v): v is string => typeof v === 'string');
  };
  const domainArray: Check = (n, path) => {
    const list = strArray(n, path) as string[] | undefined;
    if (!list) return undefined;
    (n.children ?? []).forEach((c) => {
      if (typeof c.value === 'string' && !isValidHostname(c.value)) report(c, `"${path}[]" must be a domain name such as "example.com"`);
    });
    return list;
  };
  const cidr: Check = (n, path) => {
    const v = str(n, path);
    if (typeof v !== 'string') return undefined;
    const c = parseCidr(v);
    if (!c) {
      report(n, `"${path}" must be an IPv4 network in CIDR form, e.g. "192.168.122.0/24"`);
      return undefined;
    }
    const base = networkOf(c.ip, prefixToNetmask(c.prefix!));
    if (base !== c.ip) report(n, `"${path}" has host bits set: the network of ${v} is ${formatIPv4(base)}/${c.prefix}`, 'warning');
    return v;
  };
  const networkCheck = object({ cidr, gateway: ipv4, nameservers: ipv4Array, search: domainArray, addressing: oneOf(['static', 'dhcp']) });
  const network: Check = (n, path) => {
    const v = networkCheck(n, path) as ManifestNetwork | undefined;
    // The gateway must be reachable: inside the guests' network.
    const gw = v?.gateway !== undefined ? parseIPv4(v.gateway) : undefined;
    const c = v?.cidr ? parseCidr(v.cidr) : undefined;
    if (gw !== undefined && c && !inSubnet(gw, c.ip, prefixToNetmask(c.prefix!))) {
      const gwNode = n.children?.find((p) => p.children?.[0]?.value === 'gateway')?.children?.[1];
      report(gwNode ?? n, `"${path}.gateway" ${v!.gateway} is outside "${path}.cidr" ${v!.cidr}: the guests cannot reach it`);
    }
    return v;
  };

  const top = object({
    $schema: (n) => (n.type === 'string' ? undefined : report(n, '"$schema" must be a string')),
    contextDir: str,
    templates: strArray,
    baseImage: str,
    isoLabel: label,
    output: object({ iso: str, overlays: str, seeds: str }),
    remote: object({ directory: str, bridge: str }),
    addressing: oneOf(['mac', 'dhcp']),
    hosts,
    flavor: oneOf(['snooze', 'nocloud']),
    network,
  });
  const manifest = (top(root, '') ?? {}) as Manifest;
  const n = manifest.network?.addressing;
  if (n && manifest.addressing && (n === 'dhcp') !== (manifest.addressing === 'dhcp')) {
    const node = root.children?.find((p) => p.children?.[0]?.value === 'addressing')?.children?.[1];
    report(node, `"addressing": "${manifest.addressing}" contradicts "network.addressing": "${n}" (static means the address each VM's MAC encodes); keep one of them`);
  }
  return { manifest, diagnostics };
}

/** The range of a value in the manifest's text, e.g. `["output", "iso"]`; undefined when absent. */
export function manifestValueRange(text: string, keys: string[]): Range | undefined {
  const root = parseTree(text, [], { allowTrailingComma: false, disallowComments: false });
  const node = root && findNodeAtLocation(root, keys);
  return node ? new LineIndex(text).rangeOf(node.offset, node.offset + node.length) : undefined;
}

function describeJsonError(code: string): string {
  // printParseErrorCode gives e.g. "CommaExpected"; make it read as words.
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
