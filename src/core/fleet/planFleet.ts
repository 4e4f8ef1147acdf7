// Plans new VMs from the form: names, addresses, MACs, UUIDs, template files and their XML.
// Pure: UUIDs come from the caller so a preview stays stable while the user types.
import * as path from 'node:path';
import { formatIPv4, macFromIp, netmaskPrefix, parseIPv4 } from '../network/ipv4';
import type { ContextProject } from '../project/project';
import { DEFAULTS } from '../project/project';
import { addressPoolOf, allocateAddresses, inPool } from './addressPool';
import { CDROM_BUSES, domainXml, type CdromBus } from './domainXml';
import { relativeToProject, type FieldProblem, type FleetForm } from './fleetForm';
import { checkVmName, expandNames, hasPlaceholder } from './namePattern';

export const MAX_FLEET = 254;
const BRIDGE = /^[A-Za-z0-9_.:-]{1,15}$/;
/** Where templates go on hosts when neither the manifest nor a template says. */
export const DEFAULT_REMOTE_DIRECTORY = '/var/lib/libvirt/images';

export interface PlannedVm {
  name: string;
  ip: string;
  mac: string;
  uuid: string;
  /** Absolute path of the template to write. */
  file: string;
  /** Project-relative path, for display. */
  relative: string;
  xml: string;
}

export interface FleetPlan {
  vms: PlannedVm[];
  problems: FieldProblem[];
  /** Set when the form names another base image than the project's: the manifest changes. */
  baseImageChange?: string;
  /** Addresses passed over because they are taken. */
  skipped: Array<{ ip: string; reason: string }>;
}

export function hasErrors(plan: FleetPlan): boolean {
  return plan.problems.some((p) => p.severity === 'error');
}

/** The folder new templates go to: the first manifest glob's folder, else the existing templates'. */
export function templatesDirOf(project: ContextProject): string {
  const glob = project.manifest.templates?.[0];
  if (glob) {
    const prefix: string[] = [];
    for (const p of glob.split('/').slice(0, -1)) {
      if (/[*?[{]/.test(p)) break;
      prefix.push(p);
    }
    return path.join(project.root, ...prefix);
  }
  const dirs = project.templates.map((t) => path.dirname(t.file)).sort();
  return dirs[0] ?? path.join(project.root, 'templates');
}

/** The 2-byte MAC prefix the project's templates share, else the Snooze 00:16. */
export function macPrefixOf(project: ContextProject): string {
  const prefixes = new Set(
    project.templates.flatMap((t) => t.interfaces).map((i) => i.mac?.value.toLowerCase().slice(0, 5)).filter((p): p is string => !!p && /^[0-9a-f]{2}:[0-9a-f]{2}$/.test(p)),
  );
  return prefixes.size === 1 ? [...prefixes][0] : '00:16';
}

function integer(text: string): number | undefined {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
}

export function planFleet(project: ContextProject, form: FleetForm, uuidFor: (index: number) => string): FleetPlan {
  const problems: FieldProblem[] = [];
  const error = (field: FieldProblem['field'], message: string) => problems.push({ field, severity: 'error', message });
  const warn = (field: FieldProblem['field'], message: string) => problems.push({ field, severity: 'warning', message });

  // Count
  const count = integer(form.count);
  if (count === undefined || count < 1) error('count', 'the count must be a whole number of at least 1');
  else if (count > MAX_FLEET) error('count', `at most ${MAX_FLEET} VMs at a time`);
  const n = count !== undefined && count >= 1 && count <= MAX_FLEET ? count : 0;

  // Names
  const pattern = form.name.trim();
  const existing = project.templates.map((t) => t.name?.value).filter((v): v is string => !!v);
  let names: string[] = [];
  if (!pattern) error('name', 'a name or a pattern such as web{n} is needed');
  else if (n > 1 && !hasPlaceholder(pattern)) error('name', `${n} VMs need a pattern with {n}, e.g. ${pattern}{n}`);
  else {
    names = expandNames(pattern, n, existing);
    const bad = names.map(checkVmName).find((m) => m);
    if (bad) error('name', bad);
    else if (!hasPlaceholder(pattern) && existing.some((e) => e.toLowerCase() === pattern.toLowerCase())) {
      error('name', `a VM named "${pattern}" exists already`);
    }
  }

  // Addresses
  const pool = addressPoolOf(project);
  const networkSource = project.flavor === 'nocloud' ? 'vmcontext.json "network"' : 'context/common/network';
  let ips: number[] = [];
  let skipped: FleetPlan['skipped'] = [];
  const first = parseIPv4(form.firstIp.trim());
  if (!form.firstIp.trim()) error('firstIp', 'the first IP address is needed (each MAC encodes its VM\'s address)');
  else if (first === undefined) error('firstIp', `"${form.firstIp.trim()}" is not an IPv4 address like 192.168.122.20`);
  else if (!inPool(pool, first) && pool.subnet) {
    error('firstIp', `${formatIPv4(first)} is outside the project's network ${formatIPv4(pool.subnet.network)}/${netmaskPrefix(pool.subnet.netmask) ?? formatIPv4(pool.subnet.netmask)} (${networkSource})`);
  } else if (n > 0) {
    const alloc = allocateAddresses(pool, first, n);
    ips = alloc.ips;
    skipped = alloc.skipped;
    if (alloc.exhausted) error('firstIp', `the network has only ${alloc.ips.length} free addresses from ${formatIPv4(first)} on; ${n} are needed`);
    if (!pool.subnet) warn('firstIp', project.flavor === 'nocloud' ? 'vmcontext.json has no "network" with a "cidr", so the addresses cannot be checked against the network' : 'context/common/network names no NETWORK and NETMASK, so the addresses cannot be checked against the network');
  }

  // Machine
  const memory = integer(form.memoryMiB);
  if (memory === undefined || memory < 16) error('memoryMiB', 'memory is a whole number of MiB, at least 16');
  else if (memory > 16 * 1024 * 1024) error('memoryMiB', 'memory above 16 TiB is not plausible');
  const vcpus = integer(form.vcpus);
  if (vcpus === undefined || vcpus < 1) error('vcpus', 'vCPUs is a whole number, at least 1');
  else if (vcpus > 4096) error('vcpus', 'at most 4096 vCPUs');
  const bridge = form.bridge.trim();
  if (!BRIDGE.test(bridge)) error('bridge', 'a bridge name is 1 to 15 letters, digits, ".", "_", ":" or "-" (e.g. virbr0, br0)');
  const bus = form.cdromBus as CdromBus;
  if (!CDROM_BUSES.includes(bus)) error('cdromBus', `the CD-ROM bus is one of ${CDROM_BUSES.join(', ')}`);

  // Base image: one per project; naming another one changes the manifest.
  let baseImageChange: string | undefined;
  const baseImage = form.baseImage.trim();
  const current = project.baseImage ? relativeToProject(project, project.baseImage.path) : undefined;
  if (!baseImage) warn('baseImage', 'no base image: the overlays cannot be built until images/ holds one');
  else if (baseImage !== current) {
    baseImageChange = baseImage;
    warn('baseImage', `every VM of the project shares one base image: Create sets "baseImage": "${baseImage}" in vmcontext.json`);
  }

  // Files
  const dir = templatesDirOf(project);
  const taken = new Set(project.templates.map((t) => t.file));
  const vms: PlannedVm[] = [];
  const prefix = macPrefixOf(project);
  const remoteDirectory = project.remote.directory ?? DEFAULT_REMOTE_DIRECTORY;
  // A NoCloud VM boots from its own seed (as the NoCloud scaffold names it), not a shared context.iso.
  const isoNameOf = (name: string) => (project.flavor === 'nocloud' ? `${name}-seed.iso` : path.basename(project.output.iso || DEFAULTS.iso));
  const ok = memory !== undefined && vcpus !== undefined && CDROM_BUSES.includes(bus);
  for (let i = 0; i < Math.min(names.length, ips.length); i++) {
    const file = path.join(dir, `${names[i]}.xml`);
    if (taken.has(file) && !problems.some((x) => x.field === 'name')) error('name', `${relativeToProject(project, file)} exists already`);
    const ip = formatIPv4(ips[i]);
    const mac = macFromIp(ips[i], prefix);
    const uuid = uuidFor(i);
    const xml = ok
      ? domainXml({ name: names[i], uuid, mac, ip, memoryMiB: memory, vcpus, bridge, cdromBus: bus, remoteDirectory, isoName: isoNameOf(names[i]) })
      : '';
    vms.push({ name: names[i], ip, mac, uuid, file, relative: relativeToProject(project, file), xml });
  }
  return { vms, problems, baseImageChange, skipped };
}
