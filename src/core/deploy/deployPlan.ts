// The deploy plan: from the VMs to deploy, the hosts they go to and what those hosts hold
// now, the steps that bring each host up to date. Pure: the adapter (core/io/virsh.ts)
// gathers the host state and runs the steps.
//
// Rules: a file is sent only when it is absent or differs; a running VM is never redefined
// and its overlay never replaced; files a running VM uses are left alone; an overlay that
// differs from the build holds the VM's disk and is kept unless replaceOverlays is set; a
// domain of the same name with another UUID is an error, never overwritten.
import * as path from 'node:path';
import { prepareDomainXml } from './deployDomainXml';
import type { DomainState } from './virshOutput';

/** `seed`: a NoCloud VM's own cloud-init seed (`build/seeds/<vm>.iso`). */
export type DeployFileRole = 'base' | 'iso' | 'seed' | 'overlay';

/** A file of the build, as the planner compares it with a host's copy. */
export interface LocalFile {
  path: string;
  size: number;
  /** Filled in by the probe, only when a host holds a file of the same size to compare. */
  sha256?: string;
  /** Size a libvirt volume reports: the virtual size of a qcow2 file, else the file size. */
  capacity: number;
}

export interface VmSpec {
  name: string;
  /** The template's UUID (lower case), when it has one. */
  uuid?: string;
  templateFile: string;
  /** The template text as written. */
  template: string;
  overlay?: { templatePath: string; local: LocalFile; /** backing file name stored in the overlay */ backing?: string };
  iso?: { templatePath: string; local: LocalFile };
  /** NoCloud: the VM's seed, on the CD-ROM the template names `<vm>-seed.iso`. */
  seed?: { templatePath: string; local: LocalFile };
  base?: LocalFile;
}

export interface TargetHost {
  uri: string;
  local: boolean;
  /** Folder for the files on that host (local hosts); default: the template's paths. */
  directory?: string;
  /** Storage pool to upload volumes into (`virsh vol-upload`). */
  pool?: string;
  vms: string[];
}

/** What the host holds at a path: any of these that the adapter could learn. */
export interface HostFileState {
  size?: number;
  sha256?: string;
  capacity?: number;
  /** The build file it is an unchanged copy of (both unchanged since a deploy copied it). */
  copyOf?: string;
}

export interface HostDomainState {
  uuid: string;
  state: DomainState;
  /** Hash from the metadata `vmctx deploy` wrote; undefined for a domain defined otherwise. */
  deployHash?: string;
}

export interface HostState {
  uri: string;
  /** Target path of the host's pool, when it has one. */
  poolPath?: string;
  /** Domains by name; a name that is missing is not defined. */
  domains: Record<string, HostDomainState | undefined>;
  /** Files by path on the host; missing or undefined = absent. */
  files: Record<string, HostFileState | undefined>;
}

/** Where one file of the build goes on a host. */
export interface Placement {
  role: DeployFileRole;
  local: LocalFile;
  hostPath: string;
  /** Volume name in the host's pool (pool hosts only). */
  volume?: string;
  /** The VMs that use it. */
  vms: string[];
}

export type DeployStep =
  | { kind: 'send'; role: DeployFileRole; from: string; to: string; pool?: string; volume?: string; bytes: number; reason: 'absent' | 'changed'; vms: string[] }
  | { kind: 'keep-file'; role: DeployFileRole; to: string; reason: string; vms: string[] }
  | { kind: 'define'; vm: string; xml: string; hash: string; reason: 'absent' | 'changed' }
  | { kind: 'keep-domain'; vm: string; reason: string }
  | { kind: 'start'; vm: string };

export interface HostPlan {
  uri: string;
  local: boolean;
  steps: DeployStep[];
}

export interface DeployPlan {
  hosts: HostPlan[];
  /** Problems that forbid running the plan (nothing is run when there is one). */
  errors: string[];
  warnings: string[];
  /** VMs that no host takes. */
  unassigned: string[];
}

export interface PlanOptions {
  start?: boolean;
  /** Replace overlays that differ from the build (never those of running VMs). */
  replaceOverlays?: boolean;
}

const ACTIVE: DomainState[] = ['running', 'paused', 'shutting down', 'suspended'];

export function isActive(state: DomainState | undefined): boolean {
  return state !== undefined && ACTIVE.includes(state);
}

/** Where each file of the host's VMs goes; errors for what cannot be placed. */
export function placeFiles(vms: VmSpec[], host: TargetHost, poolPath: string | undefined): { placements: Placement[]; errors: string[] } {
  const errors: string[] = [];
  if (!host.local && !host.pool) {
    return { placements: [], errors: [`${host.uri} is a remote host: give it a storage pool ("pool" in vmcontext.json hosts) to upload the files into`] };
  }
  if (host.pool && !poolPath) return { placements: [], errors: [`${host.uri}: the storage pool "${host.pool}" has no target path (is it defined and active?)`] };
  const dir = host.pool ? poolPath : host.directory;
  const byPath = new Map<string, Placement>();
  const put = (role: DeployFileRole, local: LocalFile, hostPath: string, vm: string) => {
    const had = byPath.get(hostPath);
    if (had && had.local.path !== local.path) {
      errors.push(`${host.uri}: ${hostPath} would receive both ${had.local.path} and ${local.path}`);
      return;
    }
    if (had) had.vms.push(vm);
    else byPath.set(hostPath, { role, local, hostPath, volume: host.pool ? path.posix.basename(hostPath) : undefined, vms: [vm] });
  };
  const at = (templatePath: string) => (dir ? path.posix.join(dir, path.posix.basename(templatePath)) : templatePath);
  for (const vm of vms) {
    if (vm.iso) put('iso', vm.iso.local, at(vm.iso.templatePath), vm.name);
    if (vm.seed) put('seed', vm.seed.local, at(vm.seed.templatePath), vm.name);
    if (!vm.overlay) continue;
    const overlayPath = at(vm.overlay.templatePath);
    put('overlay', vm.overlay.local, overlayPath, vm.name);
    if (vm.base && vm.overlay.backing) {
      // The overlay names its backing file; the base image must be exactly there.
      const backing = vm.overlay.backing;
      const basePath = path.posix.isAbsolute(backing) ? backing : path.posix.join(path.posix.dirname(overlayPath), backing);
      if (host.pool && path.posix.dirname(basePath) !== dir) {
        errors.push(`${host.uri}: the overlay of ${vm.name} reads its base image from ${basePath}, outside the pool's folder ${dir}; build with "remote": { "directory": "${dir}" }`);
      } else put('base', vm.base, basePath, vm.name);
    }
  }
  return { placements: [...byPath.values()], errors };
}

/** Whether the host's copy is the build's file. Hashes decide when known, else sizes. */
export function sameFile(local: LocalFile, there: HostFileState): boolean {
  if (there.copyOf !== undefined) return there.copyOf === local.path;
  if (there.sha256 !== undefined) return local.sha256 !== undefined && there.sha256 === local.sha256;
  if (there.size !== undefined) return there.size === local.size;
  if (there.capacity !== undefined) return there.capacity === local.capacity;
  return false;
}

const ROLE_ORDER: Record<DeployFileRole, number> = { base: 0, iso: 1, seed: 2, overlay: 3 };

export function planDeploy(vms: VmSpec[], hosts: TargetHost[], states: HostState[], options: PlanOptions = {}, unassigned: string[] = []): DeployPlan {
  const plan: DeployPlan = { hosts: [], errors: [], warnings: [], unassigned };
  const byName = new Map(vms.map((v) => [v.name, v]));
  for (const host of hosts) {
    const state = states.find((s) => s.uri === host.uri) ?? { uri: host.uri, domains: {}, files: {} };
    const hostVms = host.vms.map((n) => byName.get(n)).filter((v): v is VmSpec => !!v);
    const steps: DeployStep[] = [];
    const { placements, errors } = placeFiles(hostVms, host, state.poolPath);
    plan.errors.push(...errors);
    const running = (vm: string) => isActive(state.domains[vm]?.state);

    for (const p of [...placements].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (a.hostPath < b.hostPath ? -1 : 1))) {
      const there = state.files[p.hostPath];
      const keep = (reason: string) => steps.push({ kind: 'keep-file', role: p.role, to: p.hostPath, reason, vms: p.vms });
      if (there && sameFile(p.local, there)) {
        keep('unchanged');
        continue;
      }
      const users = p.vms.filter(running);
      if (there && users.length) {
        keep(`differs, but ${users.join(', ')} ${users.length > 1 ? 'are' : 'is'} running`);
        plan.warnings.push(`${host.uri}: ${p.hostPath} differs from the build but is in use by running ${users.join(', ')}; shut ${users.length > 1 ? 'them' : 'it'} down and deploy again to update it`);
        continue;
      }
      if (there && p.role === 'overlay' && !options.replaceOverlays) {
        keep('differs: it holds the VM\'s disk');
        plan.warnings.push(`${host.uri}: ${p.hostPath} differs from the build; it is ${p.vms.join(', ')}'s disk and is kept (--replace-overlays resets it)`);
        continue;
      }
      steps.push({
        kind: 'send',
        role: p.role,
        from: p.local.path,
        to: p.hostPath,
        pool: host.pool,
        volume: p.volume,
        bytes: p.local.size,
        reason: there ? 'changed' : 'absent',
        vms: p.vms,
      });
    }

    // Each VM's placements, by VM name (thousands of VMs share the ISO's).
    const placed = new Map<string, Placement[]>();
    for (const p of placements) for (const vm of p.vms) (placed.get(vm) ?? placed.set(vm, []).get(vm)!).push(p);
    for (const vm of hostVms) {
      const sources = new Map<string, string>();
      for (const p of placed.get(vm.name) ?? []) {
        if (p.role === 'overlay' && vm.overlay) sources.set(vm.overlay.templatePath, p.hostPath);
        if (p.role === 'iso' && vm.iso) sources.set(vm.iso.templatePath, p.hostPath);
        if (p.role === 'seed' && vm.seed) sources.set(vm.seed.templatePath, p.hostPath);
      }
      let prepared;
      try {
        prepared = prepareDomainXml(vm.template, sources);
      } catch (e) {
        plan.errors.push(`${vm.templateFile}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      const domain = state.domains[vm.name];
      if (domain && vm.uuid && domain.uuid.toLowerCase() !== vm.uuid) {
        plan.errors.push(
          `${host.uri}: a domain named "${vm.name}" is already defined with UUID ${domain.uuid}, but ${path.basename(vm.templateFile)} has UUID ${vm.uuid}; ` +
            `it is another VM: undefine it there or rename the template`,
        );
        continue;
      }
      if (domain && isActive(domain.state)) {
        steps.push({ kind: 'keep-domain', vm: vm.name, reason: domain.state });
        if (domain.deployHash !== prepared.hash) {
          plan.warnings.push(`${host.uri}: ${vm.name} is ${domain.state} with another definition; shut it down and deploy again to redefine it`);
        }
        continue;
      }
      if (domain && domain.deployHash === prepared.hash) steps.push({ kind: 'keep-domain', vm: vm.name, reason: 'unchanged' });
      else steps.push({ kind: 'define', vm: vm.name, xml: prepared.xml, hash: prepared.hash, reason: domain ? 'changed' : 'absent' });
      if (options.start) steps.push({ kind: 'start', vm: vm.name });
    }
    plan.hosts.push({ uri: host.uri, local: host.local, steps });
  }
  return plan;
}

/** Steps that change something on a host. */
export function changeCount(plan: DeployPlan): number {
  return plan.hosts.reduce((n, h) => n + h.steps.filter((s) => s.kind === 'send' || s.kind === 'define' || s.kind === 'start').length, 0);
}
