// meta-data of a NoCloud seed: YAML with instance-id (cloud-init runs its first-boot modules
// again whenever it changes, so two VMs must never share one) and local-hostname.
import { diagnostic, type Diagnostic, type Range, type RelatedInformation } from '../common/diagnostic';
import { closestMatch } from '../common/suggest';
import { LineIndex } from '../common/text';
import { isValidHostname } from '../network/hostname';
import { SOURCE, type CloudInitContext } from './cloudInitTypes';
import { locate, nodeSpan, parseYaml } from './yamlText';
import type { DiagnosticCode } from '../common/diagnosticCodes';

/** The keys NoCloud reads from meta-data, with what they do (for completion and hover). */
export const META_DATA_KEYS: Record<string, string> = {
  'instance-id': 'Identifies this instance. cloud-init runs its per-instance modules (users, SSH keys, packages…) again whenever it changes; every VM needs its own.',
  'local-hostname': 'The hostname the guest sets (a valid DNS name: letters, digits and hyphens, labels of at most 63 characters).',
  hostname: 'Alternative to local-hostname read by some datasources.',
  dsmode: 'When the datasource is used: `local` (before the network, the default for NoCloud), `net`, or `disabled`.',
  'public-keys': 'SSH public keys for the default user (a list, or a mapping of names to keys).',
  'network-interfaces': 'Deprecated: network configuration in Debian ifupdown (/etc/network/interfaces) syntax; use network-config instead.',
};

/** instance-id of a meta-data text, when it has one (for the project's uniqueness rule). */
export function metaDataInstanceId(text: string): string | undefined {
  const parsed = parseYaml(text, new LineIndex(text));
  const d = parsed.data as Record<string, unknown> | undefined;
  const id = d && typeof d === 'object' ? d['instance-id'] : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** Instance ids of other meta-data files of the project, for the uniqueness rule. */
export interface OtherInstanceId {
  file: string;
  id: string;
  /** The VMs that file serves. */
  vms: string[];
}

export interface MetaDataContext extends CloudInitContext {
  otherInstanceIds?: OtherInstanceId[];
}

export function metaDataDiagnostics(text: string, context: MetaDataContext = {}): Diagnostic[] {
  const lines = new LineIndex(text);
  const parsed = parseYaml(text, lines);
  const out = [...parsed.diagnostics];
  if (parsed.data === undefined) return out;
  const top = parsed.rangeOf(0, Math.max(lines.lineEnd(0), 1));
  const err = (code: DiagnosticCode, message: string, at: Range, severity: Diagnostic['severity'] = 'error', related?: RelatedInformation[]) =>
    out.push(diagnostic(code, severity, message, at, { source: SOURCE, ...(related?.length ? { related } : {}) }));
  const data = parsed.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    err('cloudinit-meta-invalid', 'meta-data must be a YAML mapping (key: value lines), e.g. "instance-id: web1"', top);
    return out;
  }
  const map = data as Record<string, unknown>;
  const keyRange = (key: string) => {
    const l = locate(parsed.doc, [key]);
    const s = nodeSpan(l.key);
    return s ? parsed.rangeOf(s[0], s[1]) : top;
  };
  const valueRange = (key: string) => {
    const l = locate(parsed.doc, [key]);
    const s = nodeSpan(l.value ?? l.key);
    return s ? parsed.rangeOf(s[0], s[1]) : top;
  };

  for (const key of Object.keys(map)) {
    if (key in META_DATA_KEYS) continue;
    const guess = closestMatch(key, Object.keys(META_DATA_KEYS));
    // Other keys are passed through to instance data; only a likely typo is worth a word.
    if (guess) err('cloudinit-meta-unknown-key', `'${key}' is not a key NoCloud reads; did you mean '${guess}'?`, keyRange(key), 'warning');
  }

  const sharedBy = context.sharedBy ?? [];
  const id = map['instance-id'];
  if (id === undefined || id === null || id === '') {
    // A shared meta-data gets each VM's instance-id from the build; a VM's own must have it.
    if (!(sharedBy.length && !context.vm)) {
      err('cloudinit-meta-instance-id-missing', 'meta-data has no instance-id: NoCloud needs one (cloud-init re-runs first-boot setup whenever it changes); add e.g. "instance-id: web1"', top);
    }
  } else if (typeof id !== 'string' && typeof id !== 'number') {
    err('cloudinit-meta-invalid', 'instance-id must be a string', valueRange('instance-id'));
  } else {
    const text = String(id);
    if (!context.vm && sharedBy.length > 1) {
      err(
        'cloudinit-meta-instance-id-duplicate',
        `this shared meta-data gives instance-id '${text}' to ${sharedBy.length} VMs (${sharedBy.map((t) => t.name?.value ?? t.file).join(', ')}): they would all be the same instance to cloud-init; remove it (each VM gets its own) or give each VM a meta-data in cloud-init/<vm>/`,
        valueRange('instance-id'),
      );
    }
    const clashes = (context.otherInstanceIds ?? []).filter((o) => o.id === text && o.file !== context.file);
    if (clashes.length) {
      err(
        'cloudinit-meta-instance-id-duplicate',
        `instance-id '${text}' is also the instance-id of ${clashes.map((c) => c.vms.join(', ') || c.file).join('; ')}: every VM needs its own`,
        valueRange('instance-id'),
        'error',
        clashes.map((c) => ({ file: c.file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `instance-id '${text}' here too` })),
      );
    }
  }

  for (const key of ['local-hostname', 'hostname']) {
    const v = map[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !isValidHostname(v)) {
      err('cloudinit-meta-hostname', `${key} '${String(v)}' is not a valid hostname: use letters, digits and hyphens, dot-separated labels of at most 63 characters that do not start or end with a hyphen`, valueRange(key));
    }
  }
  if (map.dsmode !== undefined && !['local', 'net', 'disabled'].includes(String(map.dsmode))) {
    err('cloudinit-meta-invalid', `dsmode must be local, net or disabled, not '${String(map.dsmode)}'`, valueRange('dsmode'));
  }
  return out;
}
