// The explorer's content for one project as plain data: the tree adapter only maps these
// nodes to TreeItems. Everything shown (labels, states, counts, which actions apply) is
// decided here, from the project model, the build state and the problem counts.
import * as path from 'node:path';
import { formatBytes } from '../common/bytes';
import { printable } from '../common/text';
import { formatIPv4, ipFromMac, netmaskPrefix } from '../network/ipv4';
import type { BuildStatus, IsoStatus } from '../build/buildPlan';
import type { OverlayStatus } from '../build/overlayDecision';
import { CLOUD_INIT_KINDS, isNoCloudLabel } from '../cloudinit/cloudInitTypes';
import { vmNameOf } from '../validation/cloudinit/cloudInitValidator';
import { overlayPath, seedPath, type CloudInitFile, type ContextFile, type ContextProject } from './project';
import type { TemplateInfo } from './template';

export type SummaryKind = 'project' | 'section' | 'contextFile' | 'cloudInitFile' | 'vm' | 'detail' | 'baseImage' | 'iso' | 'overlays' | 'overlay' | 'seeds' | 'seed' | 'message';

/** Which commands a node offers (the adapter turns these into `contextValue`s). */
export type SummarySection = 'context' | 'cloudInit' | 'vms' | 'baseImage' | 'build';

export interface ProblemCount {
  errors: number;
  warnings: number;
}

export interface SummaryNode {
  /** Stable across refreshes, so the tree keeps its expansion state. */
  id: string;
  kind: SummaryKind;
  section?: SummarySection;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id, e.g. `vm`, `file`, `error`. */
  icon: string;
  /** How the icon is coloured: problems or a state that needs a build. */
  tone?: 'error' | 'warning' | 'ok' | 'muted';
  /** The file the node stands for: opened on click, revealed by "Reveal". */
  file?: string;
  problems?: ProblemCount;
  /** The project root the node belongs to (for commands run on it). */
  root: string;
  children?: SummaryNode[];
  expanded?: boolean;
  /** On the project and VM nodes of a NoCloud project (its menus offer seeds, not context.iso). */
  nocloud?: boolean;
  /** On VM and seed nodes: the VM's name (the argument of Start / Shut Down / Undefine, Show ISO Contents). */
  vm?: string;
  /** On VM nodes: the host URI the VM was last seen on, when known. */
  uri?: string;
}

/** A VM's state on its libvirt host, as last read (deploy); undefined before any refresh. */
export type HostStateLookup = (vm: string) => { uri: string; state: string } | undefined;

export type ProblemLookup = (file: string) => ProblemCount;

const none: ProblemCount = { errors: 0, warnings: 0 };

export function describeProblems(p: ProblemCount | undefined): string | undefined {
  if (!p || p.errors + p.warnings === 0) return undefined;
  const parts = [];
  if (p.errors) parts.push(`${p.errors} error${p.errors === 1 ? '' : 's'}`);
  if (p.warnings) parts.push(`${p.warnings} warning${p.warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function toneOf(p: ProblemCount): SummaryNode['tone'] {
  return p.errors ? 'error' : p.warnings ? 'warning' : undefined;
}

const join = (...parts: Array<string | undefined>) => parts.filter((p) => p).join(' · ') || undefined;

/** The guests' subnet as `192.168.122.0/24`, when common/network (NoCloud: vmcontext.json "network") names it. */
export function subnetOf(project: ContextProject): string | undefined {
  const n = project.network;
  if (n?.network === undefined || n.netmask === undefined) return undefined;
  const prefix = netmaskPrefix(n.netmask);
  return `${formatIPv4(n.network)}/${prefix ?? formatIPv4(n.netmask)}`;
}

/** The IPv4 address a template's first MAC encodes. */
export function ipOfTemplate(t: TemplateInfo): string | undefined {
  const mac = t.interfaces.find((i) => i.mac)?.mac?.value;
  const ip = mac ? ipFromMac(mac) : undefined;
  return ip === undefined ? undefined : formatIPv4(ip);
}

const overlayWords: Record<OverlayStatus['condition'], string> = {
  missing: 'no overlay',
  empty: 'overlay empty',
  data: 'overlay holds data',
  outdated: 'overlay out of date',
  invalid: 'overlay unreadable',
};

function overlayTone(s: OverlayStatus | undefined): SummaryNode['tone'] {
  if (!s) return 'muted';
  return s.condition === 'outdated' || s.condition === 'invalid' ? 'warning' : s.condition === 'missing' ? 'muted' : 'ok';
}

function overlayOf(build: BuildStatus | undefined, vm: string): OverlayStatus | undefined {
  return build?.overlays.find((o) => o.vm === vm)?.status;
}

/** A VM's overlay, under the VM (its details) and under Build › overlays. */
function overlayNode(project: ContextProject, id: string, vm: string, s: OverlayStatus | undefined): SummaryNode {
  const file = overlayPath(project, vm);
  const exists = !!s && s.condition !== 'missing';
  return {
    id,
    kind: 'overlay',
    section: 'build',
    label: path.basename(file),
    description: join(s ? overlayWords[s.condition] : undefined, s?.fileSize !== undefined ? formatBytes(s.fileSize) : undefined),
    tooltip: exists ? join(file, s.reason) : file,
    icon: 'database',
    tone: overlayTone(s),
    file: exists ? file : undefined,
    root: project.root,
  };
}

function contextFileNode(project: ContextProject, f: ContextFile, problems: ProblemLookup): SummaryNode {
  const p = problems(f.path);
  const icon = f.role === 'post-install' ? 'terminal' : f.role === 'network' ? 'globe' : f.role === 'routes' ? 'git-compare' : f.type === 'symlink' ? 'file-symlink-file' : 'file';
  return {
    id: `${project.root}#context:${f.relative}`,
    kind: 'contextFile',
    section: 'context',
    label: f.relative,
    description: join(f.role === 'network' ? subnetOf(project) : undefined, describeProblems(p)),
    tooltip: join(f.path, describeProblems(p)),
    icon: p.errors ? 'error' : p.warnings ? 'warning' : icon,
    tone: toneOf(p),
    file: f.path,
    problems: p,
    root: project.root,
  };
}

function vmNode(project: ContextProject, t: TemplateInfo, build: BuildStatus | undefined, problems: ProblemLookup, hostState: HostStateLookup): SummaryNode {
  const name = t.name?.value || path.basename(t.file, '.xml');
  const ip = ipOfTemplate(t);
  const mac = t.interfaces.find((i) => i.mac)?.mac?.value;
  const p = problems(t.file);
  const overlay = t.name ? overlayOf(build, t.name.value) : undefined;
  const id = `${project.root}#vm:${t.file}`;
  const rel = path.relative(project.root, t.file).split(path.sep).join('/');
  const details: SummaryNode[] = [
    { id: `${id}:template`, kind: 'detail', section: 'vms', label: rel, description: 'template', icon: 'file-code', file: t.file, root: project.root },
  ];
  if (mac) details.push({ id: `${id}:mac`, kind: 'detail', label: mac, description: 'MAC', icon: 'plug', root: project.root });
  if (t.uuid) details.push({ id: `${id}:uuid`, kind: 'detail', label: t.uuid.value, description: 'UUID', icon: 'symbol-key', root: project.root });
  if (t.name) details.push(overlayNode(project, `${id}:overlay`, t.name.value, overlay));
  if (project.flavor === 'nocloud') details.push(seedNode(project, `${id}:seed`, vmNameOf(t), build));
  const host = t.name ? hostState(t.name.value) : undefined;
  if (host) details.push({ id: `${id}:host`, kind: 'detail', label: host.uri, description: host.state, icon: 'server', root: project.root });
  return {
    id,
    kind: 'vm',
    section: 'vms',
    label: name,
    description: join(ip ?? (mac ? `no IP (MAC ${mac} is malformed)` : 'no IP (no MAC)'), overlay ? overlayWords[overlay.condition] : undefined, host && host.state !== 'absent' ? host.state : undefined, describeProblems(p)),
    tooltip: join(t.file, ip && mac ? `${ip} from MAC ${mac}` : undefined, overlay && overlay.condition !== 'missing' ? overlay.reason : undefined, describeProblems(p)),
    icon: p.errors ? 'error' : 'vm',
    tone: p.errors ? 'error' : p.warnings ? 'warning' : undefined,
    file: t.file,
    problems: p,
    root: project.root,
    children: details,
    nocloud: project.flavor === 'nocloud' || undefined,
    vm: t.name?.value,
    uri: host?.uri,
  };
}

/** How the build sees an ISO (context.iso or a seed): not built, up to date or stale. */
function isoWords(s: IsoStatus | undefined): string | undefined {
  return !s ? undefined : s.state === 'missing' ? 'not built' : s.state === 'fresh' ? 'up to date' : 'stale';
}

function isoTone(s: IsoStatus | undefined): SummaryNode['tone'] {
  return s?.state === 'fresh' ? 'ok' : s?.state === 'stale' ? 'warning' : 'muted';
}

function seedOf(build: BuildStatus | undefined, vm: string): IsoStatus | undefined {
  return build?.seeds?.find((x) => x.vm === vm)?.status;
}

/** Why cloud-init would not read a built seed, from the label read back from it; undefined when it would. */
function seedLabelWarning(s: IsoStatus | undefined): string | undefined {
  if (!s || s.state === 'missing') return undefined;
  if (s.label === undefined) return 'no ISO 9660 label: cloud-init would not find it';
  return isNoCloudLabel(s.label) ? undefined : `label "${printable(s.label)}": cloud-init reads only CIDATA`;
}

/** A NoCloud VM's seed build/seeds/<vm>.iso, as the build's plan judges it (the same decision a build makes), with the label it carries. */
function seedNode(project: ContextProject, id: string, vm: string, build: BuildStatus | undefined): SummaryNode {
  const s = seedOf(build, vm);
  const output = seedPath(project, vm);
  const exists = !!s && s.state !== 'missing';
  const warning = seedLabelWarning(s);
  return {
    id,
    kind: 'seed',
    section: 'build',
    label: path.basename(output),
    description: join(isoWords(s), s?.size !== undefined ? formatBytes(s.size) : undefined, warning ?? (exists ? s?.label : undefined)),
    tooltip: join(output, s?.state !== 'fresh' && s?.reason !== 'new' ? s?.reason : undefined, warning, `cloud-init seed of ${vm} (label ${(exists ? s?.label : undefined) ?? project.isoLabel})`),
    icon: warning ? 'warning' : 'target',
    tone: warning ? 'warning' : isoTone(s),
    file: exists ? output : undefined,
    root: project.root,
    vm,
  };
}

function seedsNode(project: ContextProject, build: BuildStatus | undefined): SummaryNode {
  const vms = project.templates.map(vmNameOf);
  const states = vms.map((vm) => seedOf(build, vm));
  const built = states.filter((s) => s && s.state !== 'missing').length;
  const stale = states.filter((s) => s?.state === 'stale').length;
  const unread = states.filter((s) => seedLabelWarning(s)).length;
  return {
    id: `${project.root}#seeds`,
    kind: 'seeds',
    section: 'build',
    label: 'seeds',
    description: join(`${built} of ${vms.length} built`, stale ? `${stale} stale` : undefined, unread ? `${unread} not read by cloud-init` : undefined),
    tooltip: project.output.seedsDir,
    icon: 'target',
    tone: stale || unread ? 'warning' : built === vms.length && vms.length > 0 ? 'ok' : 'muted',
    file: built ? project.output.seedsDir : undefined,
    root: project.root,
    children: vms.map((vm) => seedNode(project, `${project.root}#seed:${vm}`, vm, build)),
  };
}

/** Which VMs a seed file reaches: its own VM, or for a shared one every VM without its own copy. */
function usersOf(project: ContextProject, f: CloudInitFile): string[] {
  const vms = project.templates.map(vmNameOf);
  if (f.vm) return vms.filter((vm) => vm === f.vm);
  const own = new Set((project.cloudInit?.files ?? []).filter((o) => o.kind === f.kind && o.vm).map((o) => o.vm!));
  return vms.filter((vm) => !own.has(vm));
}

const kindOrder = (f: CloudInitFile) => CLOUD_INIT_KINDS.indexOf(f.kind);
const kindIcons: Record<CloudInitFile['kind'], string> = { 'user-data': 'account', 'network-config': 'globe', 'meta-data': 'tag' };

/** The cloud-init/ folder of a NoCloud project: shared files first, then each VM's own. */
function cloudInitSection(project: ContextProject, problems: ProblemLookup): { node: SummaryNode; problems: ProblemCount } {
  const root = project.root;
  const layout = project.cloudInit;
  const dir = layout?.dir ?? path.join(root, 'cloud-init');
  const rel = (f: string) => path.relative(dir, f).split(path.sep).join('/');
  const files = [...(layout?.files ?? [])].sort((a, b) => (a.vm ?? '').localeCompare(b.vm ?? '') || kindOrder(a) - kindOrder(b));
  const children: SummaryNode[] = files.map((f) => {
    const p = problems(f.path);
    const users = usersOf(project, f);
    const reach = f.vm ? (users.length ? undefined : 'no such VM') : users.length === project.templates.length ? (users.length ? 'every VM' : undefined) : users.length ? `for ${users.join(', ')}` : 'unused: every VM has its own';
    return {
      id: `${root}#cloudinit:${rel(f.path)}`,
      kind: 'cloudInitFile',
      section: 'cloudInit',
      label: rel(f.path),
      description: join(reach, describeProblems(p)),
      tooltip: join(f.path, describeProblems(p)),
      icon: p.errors ? 'error' : p.warnings ? 'warning' : kindIcons[f.kind],
      tone: toneOf(p),
      file: f.path,
      problems: p,
      root,
    };
  });
  for (const other of layout?.others ?? []) {
    const p = problems(other);
    children.push({ id: `${root}#cloudinit:${rel(other)}`, kind: 'cloudInitFile', section: 'cloudInit', label: rel(other), description: join('not a seed file', describeProblems(p)), tooltip: other, icon: 'warning', tone: 'warning', file: other, problems: p, root });
  }
  const has = (kind: CloudInitFile['kind']) => files.some((f) => f.kind === kind && !f.vm);
  if (!layout?.dirExists) {
    children.push({ id: `${root}#cloudinit:missing`, kind: 'message', label: 'cloud-init/ is missing', description: 'add cloud-init/user-data', icon: 'warning', tone: 'warning', root });
  } else if (!has('user-data') && !files.some((f) => f.kind === 'user-data')) {
    children.unshift({ id: `${root}#cloudinit:no-user-data`, kind: 'message', label: 'user-data is missing', description: 'cloud-init configures nothing without it', icon: 'warning', tone: 'warning', root });
  }
  if (layout?.dirExists && !has('network-config')) {
    // Without a shared network-config each VM without its own gets one made from the manifest.
    const own = new Set(files.filter((f) => f.kind === 'network-config' && f.vm).map((f) => f.vm!));
    const generated = project.templates.map(vmNameOf).filter((vm) => !own.has(vm));
    if (generated.length) {
      children.push({ id: `${root}#cloudinit:network-generated`, kind: 'message', label: 'network-config', description: join('generated from vmcontext.json', subnetOf(project)), tooltip: `made for ${generated.join(', ')} from vmcontext.json "network" and each VM's MAC`, icon: 'globe', tone: 'muted', root });
    }
  }
  const total = sum([problems(dir), ...files.map((f) => problems(f.path)), ...(layout?.others ?? []).map((o) => problems(o))]);
  return {
    node: { id: `${root}#cloudinit`, kind: 'section', section: 'cloudInit', label: 'Cloud-init', description: describeProblems(total), icon: 'folder', tone: toneOf(total), file: layout?.dirExists ? dir : undefined, problems: total, root, children, expanded: true },
    problems: total,
  };
}

function isoNode(project: ContextProject, build: BuildStatus | undefined): SummaryNode {
  const iso = build?.iso;
  const exists = !!iso && iso.state !== 'missing';
  const words = isoWords(iso);
  return {
    id: `${project.root}#iso`,
    kind: 'iso',
    section: 'build',
    label: path.basename(project.output.iso),
    description: join(words, iso?.size !== undefined ? formatBytes(iso.size) : undefined, exists ? iso.label ?? project.isoLabel : undefined),
    tooltip: join(project.output.iso, iso?.state !== 'fresh' && iso?.reason !== 'new' ? iso?.reason : undefined, `label ${project.isoLabel}`),
    icon: 'target',
    tone: isoTone(iso),
    file: exists ? project.output.iso : undefined,
    root: project.root,
  };
}

function overlaysNode(project: ContextProject, build: BuildStatus | undefined): SummaryNode {
  const named = project.templates.filter((t) => t.name);
  const states = named.map((t) => overlayOf(build, t.name!.value));
  const built = states.filter((s) => s && s.condition !== 'missing').length;
  const outdated = states.filter((s) => s?.condition === 'outdated' || s?.condition === 'invalid').length;
  return {
    id: `${project.root}#overlays`,
    kind: 'overlays',
    section: 'build',
    label: 'overlays',
    description: join(`${built} of ${named.length} built`, outdated ? `${outdated} out of date` : undefined),
    tooltip: project.output.overlaysDir,
    icon: 'layers',
    tone: outdated ? 'warning' : built === named.length && named.length > 0 ? 'ok' : 'muted',
    file: built ? project.output.overlaysDir : undefined,
    root: project.root,
    children: named.map((t, i) => overlayNode(project, `${project.root}#overlay:${t.name!.value}`, t.name!.value, states[i])),
  };
}

function baseImageNode(project: ContextProject, build: BuildStatus | undefined): SummaryNode {
  const b = project.baseImage;
  const id = `${project.root}#baseImage`;
  if (!b) {
    return { id, kind: 'baseImage', section: 'baseImage', label: 'no base image', description: 'put one in images/ or name it in vmcontext.json', icon: 'warning', tone: 'warning', root: project.root };
  }
  const rel = path.relative(project.root, b.path).split(path.sep).join('/');
  if (!b.exists) return { id, kind: 'baseImage', section: 'baseImage', label: rel, description: 'missing', tooltip: b.path, icon: 'warning', tone: 'warning', root: project.root };
  const virtual = build?.baseImage?.virtualSize ?? b.size;
  return {
    id,
    kind: 'baseImage',
    section: 'baseImage',
    label: rel,
    description: join(b.format, virtual !== undefined ? `${formatBytes(virtual)} virtual` : undefined),
    tooltip: join(b.path, b.size !== undefined ? `${formatBytes(b.size)} on disk` : undefined),
    icon: 'file-binary',
    file: b.path,
    root: project.root,
  };
}

const byRole: Record<ContextFile['role'], number> = { 'post-install': 0, network: 1, routes: 2, other: 3 };

export function summarizeProject(
  project: ContextProject,
  build: BuildStatus | undefined,
  problems: ProblemLookup = () => none,
  hostState: HostStateLookup = () => undefined,
): SummaryNode {
  const root = project.root;
  const nocloud = project.flavor === 'nocloud';
  const files = [...project.contextFiles].sort((a, b) => byRole[a.role] - byRole[b.role] || (a.relative < b.relative ? -1 : 1));
  const contextChildren = files.map((f) => contextFileNode(project, f, problems));
  if (!files.some((f) => f.role === 'post-install')) {
    contextChildren.unshift({ id: `${root}#context:missing`, kind: 'message', label: 'post-install is missing', description: 'the guests run it at boot', icon: 'warning', tone: 'warning', root });
  }
  const contextProblems = sum(files.map((f) => problems(f.path)));
  const vms = project.templates.map((t) => vmNode(project, t, project.templates.length ? build : undefined, problems, hostState));
  const cloudInit = nocloud ? cloudInitSection(project, problems) : undefined;
  const vmProblems = sum(project.templates.map((t) => problems(t.file)));
  const sections: SummaryNode[] = [
    cloudInit?.node ?? {
      id: `${root}#context`,
      kind: 'section',
      section: 'context',
      label: 'Context',
      // The folder only when it is not the usual context/.
      description: join(path.relative(root, project.contextDir) === 'context' ? undefined : path.relative(root, project.contextDir), describeProblems(contextProblems)),
      icon: 'folder',
      tone: toneOf(contextProblems),
      file: project.contextDirExists ? project.contextDir : undefined,
      root,
      children: contextChildren,
      expanded: true,
    },
    {
      id: `${root}#vms`,
      kind: 'section',
      section: 'vms',
      label: 'Virtual machines',
      description: join(String(vms.length), describeProblems(vmProblems)),
      icon: 'server-environment',
      tone: toneOf(vmProblems),
      root,
      children: vms.length ? vms : [{ id: `${root}#vms:none`, kind: 'message', label: 'no domain templates yet', description: 'New VM or New Fleet', icon: 'info', root }],
      expanded: true,
    },
    { id: `${root}#base`, kind: 'section', section: 'baseImage', label: 'Base image', icon: 'file-binary', root, children: [baseImageNode(project, build)], expanded: true },
    {
      id: `${root}#build`,
      kind: 'section',
      section: 'build',
      label: 'Build',
      description: path.relative(root, path.dirname(project.output.iso)) === 'build' ? undefined : path.relative(root, path.dirname(project.output.iso)),
      icon: 'package',
      root,
      // A NoCloud project has no context.iso: each VM has its own seed.
      children: [nocloud ? seedsNode(project, build) : isoNode(project, build), overlaysNode(project, build)],
      expanded: true,
    },
  ];
  const total = sum([...project.diagnostics.map((d) => (d.diagnostic.severity === 'error' ? { errors: 1, warnings: 0 } : { errors: 0, warnings: 1 })), cloudInit?.problems ?? contextProblems, vmProblems]);
  return {
    id: root,
    kind: 'project',
    label: path.basename(root),
    description: describeProblems(total),
    tooltip: root,
    icon: 'project',
    tone: toneOf(total),
    file: root,
    problems: total,
    root,
    children: sections,
    expanded: true,
    nocloud: nocloud || undefined,
  };
}

function sum(counts: ProblemCount[]): ProblemCount {
  return counts.reduce((a, b) => ({ errors: a.errors + b.errors, warnings: a.warnings + b.warnings }), { errors: 0, warnings: 0 });
}
