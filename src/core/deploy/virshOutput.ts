// Pure parsers of `virsh` output (libvirt 9). virsh prints for people, so each parser reads
// only the fields it needs and tolerates extra lines.

/** A domain's state as the explorer and the planner see it. */
export type DomainState = 'running' | 'paused' | 'shut off' | 'crashed' | 'suspended' | 'shutting down' | 'other';

export interface DomainListEntry {
  /** Numeric id of a running domain; undefined for an inactive one (`-`). */
  id?: number;
  name: string;
  state: DomainState;
}

export interface VolumeInfo {
  name: string;
  type: string;
  /** Bytes (virtual size for qcow2 volumes); undefined when virsh printed a rounded unit. */
  capacity?: number;
  allocation?: number;
}

/** `Key:   value` lines into a map (keys as printed, values trimmed). */
export function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z0-9 ()/_.-]*?):\s*(.*)$/.exec(line);
    if (m && !out.has(m[1])) out.set(m[1], m[2].trim());
  }
  return out;
}

/** virsh's state words (`running`, `shut off`, `in shutdown`, …) to a DomainState. */
export function parseDomainState(text: string): DomainState {
  switch (text.trim().toLowerCase()) {
    case 'running':
    case 'idle':
    case 'blocked':
      return 'running';
    case 'paused':
      return 'paused';
    case 'shut off':
    case 'shutoff':
      return 'shut off';
    case 'crashed':
      return 'crashed';
    case 'pmsuspended':
      return 'suspended';
    case 'in shutdown':
      return 'shutting down';
    default:
      return 'other';
  }
}

/** `virsh list --all`: the table under the dashes. */
export function parseListAll(text: string): DomainListEntry[] {
  const lines = text.split(/\r?\n/);
  const dashes = lines.findIndex((l) => /^-{3,}\s*$/.test(l.trim()));
  const out: DomainListEntry[] = [];
  for (const line of lines.slice(dashes + 1)) {
    const m = /^\s*(\d+|-)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    out.push({ id: m[1] === '-' ? undefined : Number(m[1]), name: m[2], state: parseDomainState(m[3]) });
  }
  return out;
}

/** `virsh domuuid NAME`: one UUID. */
export function parseDomUuid(text: string): string {
  const m = /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(text);
  if (!m) throw new Error(`unexpected virsh domuuid output: ${JSON.stringify(text.slice(0, 200))}`);
  return m[1].toLowerCase();
}

/** `virsh vol-info [--bytes]`: capacity and allocation in bytes when printed as `N bytes`. */
export function parseVolInfo(text: string): VolumeInfo {
  const kv = parseKeyValues(text);
  const bytes = (v: string | undefined) => {
    const m = v && /^(\d+)\s*(bytes?|B)?$/.exec(v);
    return m ? Number(m[1]) : undefined;
  };
  const name = kv.get('Name');
  if (!name) throw new Error(`unexpected virsh vol-info output: ${JSON.stringify(text.slice(0, 200))}`);
  return { name, type: kv.get('Type') ?? '', capacity: bytes(kv.get('Capacity')), allocation: bytes(kv.get('Allocation')) };
}

/** The `<target><path>` of `virsh pool-dumpxml POOL`: where the pool keeps its volumes. */
export function parsePoolTargetPath(xml: string): string | undefined {
  const m = /<target>[\s\S]*?<path>([^<]+)<\/path>/.exec(xml);
  return m ? unescapeXml(m[1].trim()) : undefined;
}

/** The `hash` attribute of the deploy metadata element that `vmctx deploy` adds to domains. */
export function parseDeployMetadataHash(xml: string): string | undefined {
  const m = /<(?:[\w-]+:)?deploy\b[^>]*\bhash=(['"])([0-9a-f]{16,128})\1/.exec(xml);
  return m ? m[2] : undefined;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);
}

/** `virsh list --all --uuid --name`: one `UUID NAME` line a domain (names may hold spaces). */
export function parseUuidNameList(text: string): Array<{ uuid: string; name: string }> {
  const out: Array<{ uuid: string; name: string }> = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+(.+?)\s*$/i.exec(line);
    if (m) out.push({ uuid: m[1].toLowerCase(), name: m[2] });
  }
  return out;
}

/**
 * One argument quoted for virsh's own command-string parser (not a shell): inside single
 * quotes nothing is special; a quote is closed, escaped with a backslash and reopened.
 * Undefined for text with control characters, which that parser may not keep as they are.
 */
export function virshQuote(arg: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(arg)) return undefined;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
